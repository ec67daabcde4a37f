using System.CommandLine;

namespace EventStore.Cli.Commands;

/// <summary><c>events &lt;aggregate-id&gt; [--from-version N]</c>: one aggregate's events, in version order, online and offline.</summary>
internal static class EventsCommand
{
    public static Command Create(CliContext cli)
    {
        var aggregateId = new Argument<string>("aggregate-id") { Description = "The aggregate whose events to print." };
        var fromVersion = new Option<long>("--from-version")
        {
            Description = "Start at this version (inclusive). Default: 1, the first event.",
            DefaultValueFactory = _ => 1,
        };
        var command = new Command("events", "One aggregate's events, in version order: a table, or JSON lines with --json.") { aggregateId, fromVersion };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, async (session, output) =>
        {
            var events = await session.Store.GetEventsAsync(parse.GetValue(aggregateId)!, parse.GetValue(fromVersion));
            var table = output.Events();
            foreach (var e in events) table.Write(e);
            table.Finish("events");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
