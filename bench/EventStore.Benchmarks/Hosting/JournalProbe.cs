using System.Reflection;
using EventStore.Hosting;

namespace EventStore.Benchmarks.Hosting;

/// <summary>
/// Reads the journal writer's counters (transactions and events committed) from a running silo. They
/// are internal to the product, so this reads them by reflection: a diagnostic only, used to say how
/// many events each commit carried; it reports nothing if the product renames them.
/// </summary>
internal sealed class JournalProbe
{
    private readonly object? _journal;
    private readonly PropertyInfo? _commits;
    private readonly PropertyInfo? _events;

    public JournalProbe(IServiceProvider siloServices)
    {
        var type = typeof(EventJournalSiloBuilderExtensions).Assembly.GetType("EventStore.Journal.EventJournal");
        _journal = type is null ? null : siloServices.GetService(type);
        _commits = type?.GetProperty("Commits");
        _events = type?.GetProperty("CommittedEvents");
    }

    public (long Commits, long Events)? Read() =>
        _journal is not null && _commits?.GetValue(_journal) is long commits && _events?.GetValue(_journal) is long events
            ? (commits, events)
            : null;

    /// <summary>"N commits, M events/commit" between two readings, or null.</summary>
    public static string? Describe((long Commits, long Events)? before, (long Commits, long Events)? after)
    {
        if (before is not { } b || after is not { } a || a.Commits == b.Commits) return null;
        var commits = a.Commits - b.Commits;
        return $"{commits} commits, {(a.Events - b.Events) / (double)commits:0.0} events/commit";
    }
}
