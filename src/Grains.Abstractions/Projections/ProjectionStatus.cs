namespace EventStore.Projections;

/// <summary>How far a projection is behind the journal.</summary>
/// <param name="Projection">The projection's name.</param>
/// <param name="Checkpoint">The last journal position it has applied.</param>
/// <param name="HeadPosition">The journal's last position when asked.</param>
/// <param name="LagEvents">Positions between the checkpoint and the head.</param>
/// <param name="LagMilliseconds">How long the oldest event it has not applied has been in the journal (0 when caught up).</param>
/// <param name="Problem">Why it is stuck, if it is: a damaged row it cannot apply (it retries every second, and goes on once the row is repaired).</param>
[GenerateSerializer, Immutable]
public sealed record ProjectionStatus(string Projection, long Checkpoint, long HeadPosition, long LagEvents, long LagMilliseconds, string? Problem = null);

/// <summary>The operations every projection has besides its queries.</summary>
public interface IProjection
{
    /// <summary>Its checkpoint, the journal head and the lag between them.</summary>
    Task<ProjectionStatus> GetStatus();

    /// <summary>Applies everything the journal holds up to its head now; returns the status after.</summary>
    Task<ProjectionStatus> CatchUp();

    /// <summary>Throws the read model away and builds it again from position 0; returns the status after.</summary>
    Task<ProjectionStatus> Rebuild();
}
