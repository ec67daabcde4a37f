namespace EventStore.Projections;

/// <summary>Folds the journal into the TaskHistory tables: one activation in the cluster.</summary>
[ImplicitStreamSubscription(ProjectionStreams.Namespace)]
[GrainType(GrainType)]
internal sealed class TaskHistoryProjector(ProjectionSource source) : ProjectorGrain<TaskHistoryProjection>(source)
{
    /// <summary>The projector's grain type.</summary>
    public const string GrainType = "projector-task-history";
}
