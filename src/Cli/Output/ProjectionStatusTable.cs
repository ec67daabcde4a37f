using EventStore.Projections;
using Spectre.Console;

namespace EventStore.Cli.Output;

/// <summary>Projection statuses as a table for people: checkpoint, head, lag, problem, and a running rebuild's progress.</summary>
internal static class ProjectionStatusTable
{
    public static Table Of(IEnumerable<ProjectionStatus> statuses)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("projection");
        foreach (var number in new[] { "checkpoint", "head", "lag (events)", "lag (ms)" }) table.AddColumn(new TableColumn(number).RightAligned());
        table.AddColumn("rebuild").AddColumn("problem");
        foreach (var s in statuses)
            table.AddRow(Markup.Escape(s.Projection), $"{s.Checkpoint:N0}", $"{s.HeadPosition:N0}", $"{s.LagEvents:N0}", $"{s.LagMilliseconds:N0}",
                Rebuild(s), s.Problem is null ? "" : $"[red]{Markup.Escape(s.Problem)}[/]");
        return table;
    }

    /// <summary>A rebuild's progress in words: "-" when none runs.</summary>
    public static string Rebuild(ProjectionStatus status) => status.RebuildCheckpoint is { } at
        ? $"{at:N0} / {status.HeadPosition:N0} ({Percent(at, status.HeadPosition):0}%)"
        : "-";

    /// <summary>How far <paramref name="position"/> is towards <paramref name="head"/>, 0 to 100.</summary>
    public static double Percent(long position, long head) => head <= 0 ? 100 : Math.Clamp(100.0 * position / head, 0, 100);
}
