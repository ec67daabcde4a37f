namespace EventStore.Aggregates;

/// <summary>
/// One task, keyed by its id. Each command validates against the task's current state, raises one event
/// and returns only after that event is durable in the journal.
/// </summary>
public interface ITaskGrain : IGrainWithStringKey
{
    /// <summary>Creates the task (<c>task:created</c>). Refused if it already exists.</summary>
    Task<EventReceipt> Create(string taskType, string title, string description, TaskPriority priority, IReadOnlyList<string> dependencies, CommandContext? context = null);

    /// <summary>Queues it (<c>task:queued</c>). Refused unless pending, blocked or failed.</summary>
    Task<EventReceipt> Queue(TaskPriority priority, CommandContext? context = null);

    /// <summary>Starts an attempt by an agent (<c>task:started</c>). Refused unless pending or queued.</summary>
    Task<EventReceipt> Start(string agentId, CommandContext? context = null);

    /// <summary>Completes it (<c>task:completed</c>); the duration runs from the start. Refused unless in progress.</summary>
    Task<EventReceipt> Complete(string? result, CommandContext? context = null);

    /// <summary>Fails the current attempt (<c>task:failed</c>). Refused unless in progress.</summary>
    Task<EventReceipt> Fail(string error, string? stack = null, CommandContext? context = null);

    /// <summary>Blocks it on other tasks or resources (<c>task:blocked</c>). Refused once completed or failed.</summary>
    Task<EventReceipt> Block(IReadOnlyList<string> blockedBy, CommandContext? context = null);

    /// <summary>Its confirmed state.</summary>
    Task<TaskView> GetState();
}
