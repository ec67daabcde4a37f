using System.CommandLine;
using EventStore.Cli.Output;
using Spectre.Console;

namespace EventStore.Cli.Commands;

/// <summary>
/// <c>tree &lt;event-id&gt; [--limit N]</c>: the event and everything it caused, transitively, as a tree; says when the tree was
/// cut off at the limit. Online and offline. An event id the journal does not hold is refused by the store (exit 4).
/// </summary>
internal static class TreeCommand
{
    public static Command Create(CliContext cli)
    {
        var eventId = new Argument<string>("event-id") { Description = "The id of the event at the tree's root." };
        var limit = new Option<int>("--limit")
        {
            Description = "At most this many events (1 to the store's page size); a larger tree is cut off breadth first. Default: 1000.",
            DefaultValueFactory = _ => 1000,
        };
        var command = new Command("tree", "An event and every event it caused, transitively: a tree, or one nested JSON document with --json.") { eventId, limit };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, async (session, output) =>
        {
            var tree = await session.Store.GetCausationTreeAsync(parse.GetValue(eventId)!, parse.GetValue(limit));
            if (output.Json)
            {
                output.Console.Out.WriteLine(CausationTreeView.Json(tree));
                return ExitCodes.Success;
            }
            var ansi = output.Console.Ansi;
            ansi.Write(CausationTreeView.Render(tree));
            ansi.MarkupLine(tree.IsComplete
                ? $"[grey]{tree.Events.Count:N0} events.[/]"
                : $"[yellow]Cut off at {tree.Events.Count:N0} events: the tree is larger. Ask again with a larger --limit, or for the tree of one of its deepest events.[/]");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
