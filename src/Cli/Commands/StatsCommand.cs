using System.CommandLine;
using EventStore.Cli.Output;
using Spectre.Console;

namespace EventStore.Cli.Commands;

/// <summary><c>stats</c>: the journal's counts and size (events, aggregates, per type, snapshots, head position).</summary>
internal static class StatsCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("stats", "Counts and size of the journal: events, aggregates, events per type, snapshots, head position.");
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, async (session, output) =>
        {
            var stats = await session.Store.GetStatsAsync();
            if (output.Json)
            {
                output.Document(stats);
                return ExitCodes.Success;
            }
            var ansi = output.Console.Ansi;
            var totals = new Table().Border(TableBorder.Rounded).AddColumn("journal").AddColumn(new TableColumn("").RightAligned());
            totals.AddRow("events", $"{stats.TotalEvents:N0}");
            totals.AddRow("aggregates", $"{stats.AggregateCount:N0}");
            totals.AddRow("head position", $"{stats.HeadPosition:N0}");
            totals.AddRow("oldest event", stats.OldestTimestamp is { } oldest ? CliJson.Time(oldest) : "-");
            totals.AddRow("newest event", stats.NewestTimestamp is { } newest ? CliJson.Time(newest) : "-");
            totals.AddRow("snapshots (clients / aggregates)", $"{stats.SnapshotCount:N0} / {stats.AggregateSnapshotCount:N0}");
            totals.AddRow("size", $"{stats.JournalSizeBytes / 1024.0 / 1024.0:N1} MiB");
            ansi.Write(totals);
            ansi.Write(Counts("event type", stats.EventsByType));
            ansi.Write(Counts("aggregate type", stats.EventsByAggregateType));
            ansi.MarkupLine($"[grey]{Markup.Escape(session.Description)}[/]");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Table Counts(string what, IReadOnlyDictionary<string, long> counts)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn(what).AddColumn(new TableColumn("events").RightAligned());
        foreach (var (name, count) in counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal))
            table.AddRow(Markup.Escape(name), $"{count:N0}");
        return table;
    }
}
