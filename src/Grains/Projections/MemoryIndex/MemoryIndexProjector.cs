namespace EventStore.Projections;

/// <summary>Folds the journal into the MemoryIndex tables: one activation in the cluster.</summary>
[ImplicitStreamSubscription(ProjectionStreams.Namespace)]
[GrainType(GrainType)]
internal sealed class MemoryIndexProjector(ProjectionSource source) : ProjectorGrain<MemoryIndexProjection>(source)
{
    /// <summary>The projector's grain type.</summary>
    public const string GrainType = "projector-memory-index";
}
