namespace EventStore.Journal;

/// <summary>
/// Who a snapshot belongs to; each owner has its own table, and neither ever reads the other's. A grain
/// activates only from its own snapshots, so nothing saved through the store can decide its state.
/// </summary>
internal enum SnapshotOwner
{
    /// <summary>Saved and read by clients through the event store (<c>snapshots</c>): never adopted by a grain.</summary>
    Store,

    /// <summary>Taken by a journaled grain of itself (<c>grain_snapshots</c>): read only by that grain's activations.</summary>
    Grain,
}
