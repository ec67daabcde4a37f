using EventStore.Events;
using EventStore.Journal;
using EventStore.Store;

namespace EventStore.Admin;

/// <summary>
/// Reads the journal once, a page at a time, up to the head its stats counters were read at, and checks positions
/// (gapless, ending at the head), streams (versions 1..n in position order, one aggregate type, unique event ids),
/// that every row decodes as the silo decodes it, and that the stats counters agree with a recount. It keeps one
/// entry per stream (<see cref="Heads"/>) and the per-type counts, nothing per event.
/// </summary>
internal sealed class StreamVerification(IJournalReader reader, EventRowReader rows, int pageSize)
{
    private readonly Dictionary<string, long> _byType = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _byAggregateType = new(StringComparer.Ordinal);
    private long? _oldest;
    private long? _newest;

    public VerificationProblems Positions { get; } = new("positions", "positions run 1..head without a gap (a gap is a lost event), and the head is the last event's");

    public VerificationProblems Streams { get; } = new("streams", "each stream's versions are 1..n in position order (a hole is a lost event, a repeat a fork), of one aggregate type; event ids are unique");

    public VerificationProblems Readable { get; } = new("readable", "every row decodes as the silo reads it (upcasters included)");

    public VerificationProblems Counters { get; } = new("counters", "the stats counters (totals, events per type and per aggregate type, snapshots) agree with a recount");

    /// <summary>Each stream's last version and aggregate type, as read.</summary>
    public Dictionary<string, StreamHead> Heads { get; } = new(StringComparer.Ordinal);

    /// <summary>The head read up to.</summary>
    public long HeadPosition { get; private set; }

    /// <summary>The events read.</summary>
    public long Events { get; private set; }

    public async Task RunAsync(IProgress<VerificationProgress>? progress, CancellationToken cancellationToken)
    {
        // Counters and head come from one read; every row at or below that head was committed by then (positions are
        // handed out in commit order), so a recount of those rows must give the counters, whatever commits meanwhile.
        var stats = await reader.GetStatsAsync(0);
        var head = HeadPosition = stats.HeadPosition;
        long last = 0;
        for (var from = 1L; from <= head;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await reader.ReadRowsAsync(from, pageSize);
            foreach (var row in page.TakeWhile(r => r.Position <= head))
            {
                if (row.Position != last + 1) Positions.Add(Gap(last + 1, row.Position - 1, $"before position {row.Position}"));
                last = row.Position;
                Check(row);
            }
            progress?.Report(new VerificationProgress("journal", Math.Min(last, head), head));
            if (page.Count < pageSize) break;
            from = page[^1].Position + 1;
        }
        if (last < head) Positions.Add(Gap(last + 1, head, $"at the end: the journal head is {head}, the last event is at position {last}"));
        foreach (var duplicate in await reader.FindDuplicateIdsAsync(head, VerificationProblems.Shown * 100))
            Streams.Add($"event id '{duplicate.Id}' is held by {duplicate.Rows} rows");
        Recount(stats);
        var snapshots = await reader.CountSnapshotsAsync();
        Compare("snapshots (rows of snapshots)", snapshots.Counted, snapshots.Rows);
        Compare("grain snapshots (rows of grain_snapshots)", snapshots.GrainCounted, snapshots.GrainRows);
    }

    private static string Gap(long first, long lastMissing, string where) => first == lastMissing
        ? $"position {first} is missing (a lost event) {where}"
        : $"positions {first}..{lastMissing} are missing ({lastMissing - first + 1} lost events) {where}";

    private static string Versions(long first, long last) => first == last ? $"version {first} is" : $"versions {first}..{last} are";

    private void Check(StoredRow row)
    {
        Events++;
        var at = $"position {row.Position} ({row.AggregateId} v{row.Version})";
        if (!Heads.TryGetValue(row.AggregateId, out var stream))
        {
            if (row.Version != 1) Streams.Add($"{at}: the stream begins at version {row.Version}: {Versions(1, row.Version - 1)} missing (lost events)");
            Heads[row.AggregateId] = new StreamHead(row.Version, row.AggregateType);
        }
        else
        {
            if (row.Version <= stream.Version)
                Streams.Add($"{at}: version {row.Version} comes again after version {stream.Version} (a fork)");
            else if (row.Version > stream.Version + 1)
                Streams.Add($"{at}: {Versions(stream.Version + 1, row.Version - 1)} missing before it in the stream (lost events)");
            if (!string.Equals(row.AggregateType, stream.AggregateType, StringComparison.Ordinal))
                Streams.Add($"{at}: aggregate type '{row.AggregateType}', but the stream is a '{stream.AggregateType}'");
            Heads[row.AggregateId] = stream with { Version = Math.Max(stream.Version, row.Version) };
        }
        if (rows.Read(row).Payload is UnreadableEvent unreadable)
            Readable.Add(unreadable.IsUnknownType
                ? $"{at}: type '{row.Type}' cannot be read by this code: {unreadable.Problem} (is the assembly that defines it passed with --events-assembly?)"
                : $"{at}: type '{row.Type}' cannot be read: {unreadable.Problem}");
        _byType[row.Type] = _byType.GetValueOrDefault(row.Type) + 1;
        _byAggregateType[row.AggregateType] = _byAggregateType.GetValueOrDefault(row.AggregateType) + 1;
        _oldest = _oldest is { } oldest ? Math.Min(oldest, row.Timestamp) : row.Timestamp;
        _newest = _newest is { } newest ? Math.Max(newest, row.Timestamp) : row.Timestamp;
    }

    private void Recount(EventStoreStats stats)
    {
        Compare("events", stats.TotalEvents, Events);
        Compare("aggregates (streams)", stats.AggregateCount, Heads.Count);
        Compare("oldest timestamp", stats.OldestTimestamp, _oldest);
        Compare("newest timestamp", stats.NewestTimestamp, _newest);
        CompareCounts("events of type", stats.EventsByType, _byType);
        CompareCounts("events of aggregate type", stats.EventsByAggregateType, _byAggregateType);
    }

    private void CompareCounts(string what, IReadOnlyDictionary<string, long> counted, Dictionary<string, long> recounted)
    {
        foreach (var name in counted.Keys.Union(recounted.Keys).Order(StringComparer.Ordinal))
        {
            var (c, r) = (counted.GetValueOrDefault(name), recounted.GetValueOrDefault(name));
            if (c != r) Counters.Add($"{what} '{name}': the counter says {c}, the journal has {r}");
        }
    }

    private void Compare(string counter, long? counted, long? recounted)
    {
        if (counted != recounted) Counters.Add($"{counter}: the counter says {counted?.ToString() ?? "none"}, the journal has {recounted?.ToString() ?? "none"}");
    }
}

/// <summary>A stream's last version and aggregate type.</summary>
internal readonly record struct StreamHead(long Version, string AggregateType);
