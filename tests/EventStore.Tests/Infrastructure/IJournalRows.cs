using EventStore.Journal;

namespace EventStore.Tests.Infrastructure;

/// <summary>
/// The journal's tables read and written with plain SQL, as any client of its database (or another process) would,
/// independent of the code under test. One implementation per backend: <see cref="JournalFile"/> (SQLite) and
/// <see cref="PostgresJournalRows"/> (PostgreSQL), with the same row shape and the same semantics.
/// </summary>
public interface IJournalRows
{
    /// <summary>The backend these rows live in.</summary>
    JournalProvider Provider { get; }

    /// <summary>The names of the tables in the journal's database (its schema, on PostgreSQL).</summary>
    ISet<string> Tables();

    /// <summary>
    /// The first column of the first row of a query written in SQL both backends read alike (say
    /// <c>SELECT MIN(timestamp) FROM events</c>); null when that is NULL.
    /// </summary>
    long? Long(string sql);

    /// <summary>Runs a statement written in SQL both backends read alike; returns the rows it changed.</summary>
    int Execute(string sql);

    /// <summary>The journal's size as seen from outside: the file and its WAL on SQLite; the tables with their indexes and TOAST data on PostgreSQL.</summary>
    long SizeBytes();

    /// <summary>Rows in the events table (of one aggregate if given).</summary>
    long Count(string? aggregateId = null);

    /// <summary>Rows of one aggregate (all rows if null), in position order.</summary>
    IReadOnlyList<JournalRow> Rows(string? aggregateId = null);

    /// <summary>The highest position in the journal (0 if empty).</summary>
    long MaxPosition();

    /// <summary>
    /// Inserts a row the way a writer outside the silo would (taking the next position the way the backend hands them out).
    /// It leaves the stats counters alone, as such a writer would: the stats no longer count such rows (no test checks them after one).
    /// </summary>
    void InsertOutside(string aggregateId, string aggregateType, long version, string type, string payload);

    /// <summary>Rewrites the payload of the row at <paramref name="position"/>; returns the rows changed.</summary>
    int SetPayload(long position, string payload);

    /// <summary>Clears the request fingerprints of an aggregate's rows, as rows written before schema 3 have none; returns the rows changed.</summary>
    int ForgetRequests(string aggregateId);

    /// <summary>The snapshot a grain took of itself (its row in <c>grain_snapshots</c>), if any.</summary>
    (string AggregateType, long Version, string State)? GrainSnapshot(string aggregateId);

    /// <summary>The snapshot saved through the store (its row in <c>snapshots</c>), if any.</summary>
    (string AggregateType, long Version, string State)? StoreSnapshot(string aggregateId);

    /// <summary>Rows of the <c>snapshots</c> table, only those whose aggregate type starts with <paramref name="aggregateTypePrefix"/> if given.</summary>
    long SnapshotRows(string? aggregateTypePrefix = null);

    /// <summary>Rows of the <c>grain_snapshots</c> table.</summary>
    long GrainSnapshotRows();

    /// <summary>Overwrites a grain's own snapshot row, as a bug or a bad disk could; returns the rows changed.</summary>
    int OverwriteSnapshot(string aggregateId, string state, long? version = null);
}
