using System.Diagnostics;

namespace EventStore.Diagnostics;

/// <summary>
/// The names under which the event store reports what it does: one meter and one activity source, both called
/// <see cref="Name"/>. Hand them to OpenTelemetry (<c>.AddMeter(EventStoreDiagnostics.Name)</c>,
/// <c>.AddSource(EventStoreDiagnostics.Name)</c>) beside Orleans' own (<see cref="OrleansName"/>).
/// </summary>
public static class EventStoreDiagnostics
{
    /// <summary>The event store's meter and activity source.</summary>
    public const string Name = "EventStore";

    /// <summary>Orleans' meter, and the prefix of its activity sources.</summary>
    public const string OrleansName = "Microsoft.Orleans";

    /// <summary>Appends (store appends and aggregate commands), one per call, tagged <c>outcome</c>: committed, conflict, duplicate, refused or unavailable.</summary>
    public const string Appends = "eventstore.appends";

    /// <summary>How long an append took from call to answer, in seconds, tagged <c>outcome</c>.</summary>
    public const string AppendDuration = "eventstore.append.duration";

    /// <summary>Events in each transaction the journal's writer committed (0 for a commit of snapshots only).</summary>
    public const string CommitEvents = "eventstore.commit.events";

    /// <summary>Events waiting for the journal's writer (queued, or in the commit being written).</summary>
    public const string WriterQueueEvents = "eventstore.writer.queue.events";

    /// <summary>Bytes of the events and snapshots waiting for the journal's writer.</summary>
    public const string WriterQueueBytes = "eventstore.writer.queue.bytes";

    /// <summary>Snapshots stored, tagged <c>owner</c>: grain (an aggregate's own) or store (a client's).</summary>
    public const string Snapshots = "eventstore.snapshots";

    /// <summary>Events a projection has not applied yet, as it last saw the journal, tagged <c>projection</c>.</summary>
    public const string ProjectionLagEvents = "eventstore.projection.lag.events";

    /// <summary>How long the oldest event a projection has not applied has been in the journal, in milliseconds, tagged <c>projection</c>.</summary>
    public const string ProjectionLagMilliseconds = "eventstore.projection.lag.ms";

    /// <summary>Live subscriptions this silo serves.</summary>
    public const string Subscriptions = "eventstore.subscriptions";

    /// <summary>The activity source of grain commands ("command {event type}") and store appends ("append {aggregate type}").</summary>
    internal static readonly ActivitySource Source = new(Name);
}
