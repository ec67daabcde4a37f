namespace EventStore.Store;

/// <summary>A finished online backup.</summary>
/// <param name="Path">The backup file, absolute.</param>
/// <param name="SizeBytes">Its size.</param>
/// <param name="HeadPosition">The last event position it holds: it holds every event up to there, and none after.</param>
[GenerateSerializer, Immutable]
public sealed record BackupResult(string Path, long SizeBytes, long HeadPosition);

/// <summary>The outcome of a WAL checkpoint.</summary>
/// <param name="Busy">True if a reader or writer kept the checkpoint from completing (the WAL is not wholly copied and truncated); false if it completed.</param>
/// <param name="WalFrames">Frames in the WAL before the checkpoint.</param>
/// <param name="CheckpointedFrames">Frames copied into the database file.</param>
[GenerateSerializer, Immutable]
public sealed record CheckpointResult(bool Busy, long WalFrames, long CheckpointedFrames);
