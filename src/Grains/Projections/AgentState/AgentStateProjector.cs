namespace EventStore.Projections;

/// <summary>Folds the journal into the AgentState tables: one activation in the cluster.</summary>
[ImplicitStreamSubscription(ProjectionStreams.Namespace)]
[GrainType(GrainType)]
internal sealed class AgentStateProjector(ProjectionSource source) : ProjectorGrain<AgentStateProjection>(source)
{
    /// <summary>The projector's grain type.</summary>
    public const string GrainType = "projector-agent-state";
}
