using EventStore.Events;

namespace EventStore.Projections;

/// <summary>A read model folded from journal events by a <see cref="ProjectionGrain{TModel}"/>.</summary>
public interface IReadModel
{
    /// <summary>Applies one event. Only events of the model's aggregate types are given to it, each once, in position order.</summary>
    void Apply(EventEnvelope envelope);

    /// <summary>How many records the model holds: what saving it costs.</summary>
    int Count { get; }

    /// <summary>
    /// The version of the model's shape and meaning. Raise it whenever a saved model would no longer mean
    /// what the code expects (keys or fields changed): a projection whose saved model has another version
    /// rebuilds it from the journal on activation. Models saved before versions existed count as 0.
    /// </summary>
    static virtual int ShapeVersion => 1;
}

/// <summary>What a projection grain persists: its read model and the last position folded into it, together.</summary>
[GenerateSerializer]
public sealed class ProjectionState<TModel> where TModel : IReadModel, new()
{
    /// <summary>The last journal position applied.</summary>
    [Id(0)] public long Checkpoint { get; set; }

    /// <summary>The read model as of <see cref="Checkpoint"/>.</summary>
    [Id(1)] public TModel Model { get; set; } = new();

    /// <summary>The <see cref="IReadModel.ShapeVersion"/> the model was folded with (0: saved before versions existed).</summary>
    [Id(2)] public int ModelVersion { get; set; }
}
