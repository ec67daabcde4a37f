namespace EventStore.Projections;

/// <summary>How far a projection is behind the journal.</summary>
/// <param name="Projection">The projection's name.</param>
/// <param name="Checkpoint">The last journal position its queries see: every event up to it is in the records they read (applied events whose records wait for the next commit are not).</param>
/// <param name="HeadPosition">The journal's last position when asked.</param>
/// <param name="LagEvents">Positions between the checkpoint and the head.</param>
/// <param name="LagMilliseconds">How long the oldest event it has not applied has been in the journal (0 when caught up).</param>
/// <param name="Problem">Why it is stuck, if it is: a damaged row it cannot apply (it retries, backing off, and goes on once the row is repaired).</param>
/// <param name="RebuildCheckpoint">While a rebuild runs: the position the new tables have reached (queries still read the current ones until it reaches the head).</param>
[GenerateSerializer, Immutable]
public sealed record ProjectionStatus(string Projection, long Checkpoint, long HeadPosition, long LagEvents, long LagMilliseconds, string? Problem = null,
    long? RebuildCheckpoint = null)
{
    /// <summary>Whether a rebuild is running.</summary>
    public bool IsRebuilding => RebuildCheckpoint is not null;
}

/// <summary>The operations every projection has besides its queries.</summary>
public interface IProjection
{
    /// <summary>Its checkpoint, the journal head and the lag between them.</summary>
    Task<ProjectionStatus> GetStatus();

    /// <summary>Applies and commits everything the journal holds up to its head now (finishing a running rebuild); returns the status after.</summary>
    Task<ProjectionStatus> CatchUp();

    /// <summary>
    /// Starts building the read model again from position 0, into new tables beside the current ones, which keep
    /// answering queries; when the new tables reach the journal's head they replace the old ones. Returns at once
    /// with the status (<see cref="ProjectionStatus.RebuildCheckpoint"/> shows the progress); a rebuild already running
    /// is not started again. <see cref="CatchUp"/> finishes a running rebuild before it returns.
    /// </summary>
    Task<ProjectionStatus> Rebuild();
}
