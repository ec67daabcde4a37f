using System.CommandLine;
using EventStore.Subscriptions;

namespace EventStore.Cli.Commands;

/// <summary>
/// <c>tail [--from-start | --after POSITION] [--aggregate-type T]... [--event-type T]... [--count N]</c>: a live subscription
/// (online only), printing events as they commit, in global order: by default those committed after it started. It runs
/// until Ctrl+C, which is its normal end (exit 0), or until <c>--count</c> events have arrived (exit 0); Ctrl+C before
/// <c>--count</c> events arrived exits with 130, so a script can tell that it did not get them all.
/// </summary>
internal static class TailCommand
{
    public static Command Create(CliContext cli)
    {
        var fromStart = new Option<bool>("--from-start") { Description = "Start with the journal's first event (catch up the history, then follow)." };
        var after = new Option<long?>("--after") { Description = "Start after this position (the last one you saw, to resume). Default: from now." };
        var aggregateTypes = new Option<string[]>("--aggregate-type") { Description = "Only events of this aggregate type (repeatable).", AllowMultipleArgumentsPerToken = false };
        var eventTypes = new Option<string[]>("--event-type") { Description = "Only events of this registered type (repeatable).", AllowMultipleArgumentsPerToken = false };
        var count = new Option<long?>("--count") { Description = "Stop after this many events (at least 1). Default: follow until Ctrl+C." };
        var command = new Command("tail", "Follow the journal live: print each event as it commits (online only), until Ctrl+C or --count events.")
        {
            fromStart, after, aggregateTypes, eventTypes, count,
        };
        command.SetAction((parse, cancellationToken) => cli.GuardAsync(parse, output =>
        {
            var start = parse.GetValue(after);
            var max = parse.GetValue(count);
            if (parse.GetValue(fromStart) && start is not null) throw CliException.BadArguments("--from-start and --after both say where to start: pass one of them.");
            if (max < 1) throw CliException.BadArguments($"--count is {max}; give 1 or more, or leave it out to follow until Ctrl+C.");
            var types = parse.GetValue(aggregateTypes) is { Length: > 0 } a ? a : null;
            var events = parse.GetValue(eventTypes) is { Length: > 0 } e ? e : null;
            return cli.RunAsync(parse, async (session, _) =>
            {
                var client = session.RequireCluster("tail");
                // "From now" is the head read here, before anything is printed: an event committed after the first line is never missed.
                var position = parse.GetValue(fromStart) ? 0 : start ?? await client.GetGrain<IEventSubscriptionGrain>(Guid.NewGuid()).GetHeadPosition();
                output.Note($"Following events after position {position:N0}{Filtered(types, events)}; Ctrl+C to stop.");
                var request = SubscriptionRequest.After(position) with { AggregateTypes = types, EventTypes = events };
                var table = output.Events();
                try
                {
                    await foreach (var envelope in client.SubscribeToEvents(request, cancellationToken))
                    {
                        table.Write(envelope);
                        if (table.Count == max) break;
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && max is null)
                {
                    // Ctrl+C is how a tail without --count ends: a clean stop.
                }
                table.Finish("events");
                return ExitCodes.Success;
            }, cancellationToken);
        }, cancellationToken));
        return command;
    }

    private static string Filtered(string[]? aggregateTypes, string[]? eventTypes) =>
        (aggregateTypes, eventTypes) switch
        {
            (null, null) => "",
            _ => $" (only {string.Join("; ", new[] { Join("aggregate types", aggregateTypes), Join("event types", eventTypes) }.Where(s => s is not null))})",
        };

    private static string? Join(string what, string[]? values) => values is null ? null : $"{what} {string.Join(", ", values)}";
}
