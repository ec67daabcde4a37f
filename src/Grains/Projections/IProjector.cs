using Orleans.Concurrency;
namespace EventStore.Projections;

/// <summary>
/// The one activation per projection that folds the journal into its tables (a <see cref="ProjectorGrain"/>).
/// Queries never go through it: they read the tables from any silo. Key: the projection's <see cref="Projection.Name"/>.
/// </summary>
internal interface IProjector : IGrainWithStringKey
{
    /// <summary>
    /// Its checkpoint, the journal head, the lag, and a rebuild's progress. Answered between the turns of a long
    /// catch-up or rebuild (it only reads what the grain has committed), so that status stays cheap while the
    /// projector works through millions of events.
    /// </summary>
    [AlwaysInterleave]
    Task<ProjectionStatus> GetStatus();

    /// <summary>Applies and commits everything the journal holds up to its head now (and finishes a rebuild that is due).</summary>
    Task<ProjectionStatus> CatchUp();

    /// <summary>Starts building the read model again from position 0 into new tables, beside the current ones.</summary>
    Task<ProjectionStatus> Rebuild();

    /// <summary>Does the next piece of background work (catching up, rebuilding); the grain sends it to itself.</summary>
    [OneWay]
    Task Continue();
}
