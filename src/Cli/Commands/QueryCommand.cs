using System.CommandLine;
using EventStore.Cli.Output;
using EventStore.Store;

namespace EventStore.Cli.Commands;

/// <summary>
/// <c>query</c>: the events matching a filter (aggregates, aggregate types, event types, a time range, a least version), in
/// global order, with a limit and an offset. Online and offline. The store checks the filter: what it refuses exits with 4.
/// </summary>
internal static class QueryCommand
{
    public static Command Create(CliContext cli)
    {
        var aggregateIds = Repeatable("--aggregate-id", "Only events of this aggregate (repeatable).");
        var aggregateTypes = Repeatable("--aggregate-type", "Only events of this aggregate type, e.g. agent, task (repeatable).");
        var eventTypes = Repeatable("--event-type", "Only events of this type, e.g. agent:spawned (repeatable).");
        var after = new Option<string?>("--after") { Description = "Only events at or after this time: Unix milliseconds or ISO 8601 (UTC unless it says otherwise)." };
        var before = new Option<string?>("--before") { Description = "Only events strictly before this time: Unix milliseconds or ISO 8601." };
        var fromVersion = new Option<long?>("--from-version") { Description = "Only events at or above this version within their aggregate." };
        var limit = new Option<int?>("--limit") { Description = "At most this many events (the store allows up to its page size, 10,000 by default)." };
        var offset = new Option<int?>("--offset") { Description = "Skip this many matching events first (to page with --limit)." };
        var command = new Command("query", "Events matching a filter, in global order: a table, or JSON lines with --json.")
        {
            aggregateIds, aggregateTypes, eventTypes, after, before, fromVersion, limit, offset,
        };
        command.SetAction((parse, cancellationToken) => cli.GuardAsync(parse, async output =>
        {
            // The times are read before the store is opened: a time that is not a time is the command line's fault (exit 2).
            var filter = new EventFilter
            {
                AggregateIds = NullIfNone(parse.GetValue(aggregateIds)),
                AggregateTypes = NullIfNone(parse.GetValue(aggregateTypes)),
                EventTypes = NullIfNone(parse.GetValue(eventTypes)),
                After = CliTime.Parse("--after", parse.GetValue(after)),
                Before = CliTime.Parse("--before", parse.GetValue(before)),
                FromVersion = parse.GetValue(fromVersion),
                Limit = parse.GetValue(limit),
                Offset = parse.GetValue(offset),
            };
            return await cli.RunAsync(parse, async (session, _) =>
            {
                var table = output.Events();
                foreach (var e in await session.Store.QueryAsync(filter)) table.Write(e);
                table.Finish("events");
                return ExitCodes.Success;
            }, cancellationToken);
        }, cancellationToken));
        return command;
    }

    private static Option<string[]> Repeatable(string name, string description) => new(name) { Description = description, AllowMultipleArgumentsPerToken = false };

    private static string[]? NullIfNone(string[]? values) => values is { Length: > 0 } ? values : null;
}
