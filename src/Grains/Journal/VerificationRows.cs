namespace EventStore.Journal;

/// <summary>The snapshot counters of <c>journal_totals</c> and the snapshot tables' row counts, read by one statement (they agree unless something is wrong).</summary>
internal sealed record SnapshotCounts(long Counted, long GrainCounted, long Rows, long GrainRows);

/// <summary>A snapshot's stream, aggregate type and version, without its state: what verification compares with the stream.</summary>
internal sealed record SnapshotHead(string AggregateId, string AggregateType, long Version);

/// <summary>An event id held by more than one row, with how many.</summary>
internal sealed record DuplicateId(string Id, long Rows);
