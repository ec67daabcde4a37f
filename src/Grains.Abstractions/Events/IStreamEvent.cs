namespace EventStore.Events;

/// <summary>
/// A payload with a field that names the aggregate (stream) it belongs to. The journal refuses to append
/// it to any other stream, so that no id written in a payload can reach another aggregate's records.
/// </summary>
public interface IStreamEvent : IDomainEvent
{
    /// <summary>The aggregate id the payload names: it must be the id of the stream it is appended to.</summary>
    string StreamId { get; }

    /// <summary>The name of the payload's field that holds <see cref="StreamId"/>, for error messages.</summary>
    string StreamIdField { get; }
}

/// <summary>An agent event: its stream is the agent named by <see cref="AgentId"/>.</summary>
public interface IAgentEvent : IStreamEvent
{
    /// <summary>The agent.</summary>
    string AgentId { get; }

    string IStreamEvent.StreamId => AgentId;

    string IStreamEvent.StreamIdField => nameof(AgentId);
}

/// <summary>A task event: its stream is the task named by <see cref="TaskId"/>.</summary>
public interface ITaskEvent : IStreamEvent
{
    /// <summary>The task.</summary>
    string TaskId { get; }

    string IStreamEvent.StreamId => TaskId;

    string IStreamEvent.StreamIdField => nameof(TaskId);
}

/// <summary>A memory event: its stream is the namespace named by <see cref="Namespace"/>.</summary>
public interface IMemoryEvent : IStreamEvent
{
    /// <summary>The memory namespace.</summary>
    string Namespace { get; }

    string IStreamEvent.StreamId => Namespace;

    string IStreamEvent.StreamIdField => nameof(Namespace);
}
