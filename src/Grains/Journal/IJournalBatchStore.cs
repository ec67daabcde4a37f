using EventStore.Store;

namespace EventStore.Journal;

/// <summary>
/// What the <see cref="GroupCommitWriter"/> needs from a database: one transaction at a time, holding a
/// batch of appends and snapshots, called only from the writer's thread. Implemented once per backend,
/// with all of that backend's SQL in its own folder.
/// </summary>
internal interface IJournalBatchStore : IDisposable
{
    /// <summary>Where the journal is, for messages.</summary>
    string Location { get; }

    /// <summary>Starts the batch's transaction, opening a connection first if there is none.</summary>
    void Begin();

    /// <summary>
    /// Writes one stream's events inside the transaction if the stream is still at the expected version.
    /// Returns <see cref="AppendOutcome.Committed"/> (versions and positions set, durable once <see cref="Commit"/>
    /// returns), <see cref="AppendOutcome.VersionConflict"/>, or the exception that refuses this append alone;
    /// either way nothing of a refused append is written and the transaction goes on.
    /// </summary>
    object Append(StreamAppend append);

    /// <summary>
    /// Writes a batch's appends, in order, inside the transaction: each with the outcome <see cref="Append"/> would give it
    /// (an append sees the streams as the appends before it in the list left them). A backend may write them all in a
    /// few round trips instead of one append at a time.
    /// </summary>
    IReadOnlyList<object> AppendAll(IReadOnlyList<StreamAppend> appends);

    /// <summary>Stores a snapshot inside the transaction, in its owner's table, unless a newer one is there.</summary>
    bool SaveSnapshot(Snapshot snapshot, SnapshotOwner owner);

    /// <summary>Commits the transaction; everything in it is durable when this returns.</summary>
    void Commit();

    /// <summary>After any failure of the batch: rolls back, forgets what it cached and closes the connection.</summary>
    void Abort();
}
