using EventStore.Events;

namespace EventStore.Aggregates;

/// <summary>
/// The state of one aggregate, folded from its events. Each aggregate's view applies one event at a
/// time, in version order; the same events always fold to the same view, which is what lets a grain
/// rebuild itself from the journal after a restart.
/// </summary>
[GenerateSerializer]
public abstract class AggregateView
{
    /// <summary>Version of the last applied event; 0 before the first.</summary>
    [Id(0)] public long Version { get; private set; }

    /// <summary>Global journal position of the last applied event.</summary>
    [Id(1)] public long LastPosition { get; private set; }

    /// <summary>Id of the last applied event.</summary>
    [Id(2)] public string? LastEventId { get; private set; }

    /// <summary>Unix-millisecond timestamp of the last applied event.</summary>
    [Id(3)] public long LastEventTimestamp { get; private set; }

    /// <summary>The correlation id of the last applied event, if it had one.</summary>
    [Id(4)] public string? LastCorrelationId { get; private set; }

    /// <summary>True once the aggregate has at least one event.</summary>
    public bool Exists => Version > 0;

    /// <summary>Folds one committed event into the view. Never throws for an event of this aggregate type.</summary>
    public void Apply(EventEnvelope envelope)
    {
        ArgumentNullException.ThrowIfNull(envelope);
        Version = envelope.Version;
        LastPosition = envelope.Position;
        LastEventId = envelope.Id;
        LastEventTimestamp = envelope.Timestamp;
        LastCorrelationId = envelope.CorrelationId;
        When(envelope.Payload);
    }

    /// <summary>Applies the payload to this view's own fields.</summary>
    protected abstract void When(IDomainEvent payload);
}
