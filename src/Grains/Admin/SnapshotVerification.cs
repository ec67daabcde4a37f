using EventStore.Journal;

namespace EventStore.Admin;

/// <summary>
/// Checks every snapshot (clients' <c>snapshots</c> and grains' <c>grain_snapshots</c>), a page at a time: its version is
/// at most its stream's, and its aggregate type is the stream's. A snapshot ahead of the streams as read is checked again
/// against the stream as it is now (a silo may have appended and snapshotted since).
/// </summary>
internal sealed class SnapshotVerification(IJournalReader reader, IReadOnlyDictionary<string, StreamHead> heads, int pageSize)
{
    public VerificationProblems Problems { get; } = new("snapshots", "every snapshot's version is at most its stream's, with the stream's aggregate type");

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        foreach (var owner in new[] { SnapshotOwner.Store, SnapshotOwner.Grain })
        {
            var table = owner == SnapshotOwner.Grain ? "grain_snapshots" : "snapshots";
            for (var after = ""; ;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var page = await reader.ReadSnapshotHeadsAsync(owner, after, pageSize);
                foreach (var snapshot in page) await CheckAsync(table, snapshot);
                if (page.Count < pageSize) break;
                after = page[^1].AggregateId;
            }
        }
    }

    private async Task CheckAsync(string table, SnapshotHead snapshot)
    {
        var at = $"{table} '{snapshot.AggregateId}'";
        var known = heads.TryGetValue(snapshot.AggregateId, out var stream);
        if (known && !string.Equals(stream.AggregateType, snapshot.AggregateType, StringComparison.Ordinal))
            Problems.Add($"{at}: aggregate type '{snapshot.AggregateType}', but the stream is a '{stream.AggregateType}'");
        if (known && snapshot.Version <= stream.Version) return;
        var version = await reader.GetStreamVersionAsync(snapshot.AggregateId);
        if (snapshot.Version > version)
            Problems.Add($"{at}: the snapshot is at version {snapshot.Version}, ahead of its stream's last version {version}");
    }
}
