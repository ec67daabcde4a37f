namespace EventStore.Aggregates;

/// <summary>
/// One agent, keyed by its id. Each command validates against the agent's current state, raises one
/// event and returns only after that event is durable in the journal.
/// </summary>
public interface IAgentGrain : IGrainWithStringKey
{
    /// <summary>Creates the agent (<c>agent:spawned</c>). Refused if it already exists.</summary>
    Task<EventReceipt> Spawn(string role, AgentDomain domain, IReadOnlyList<string> capabilities, CommandContext? context = null);

    /// <summary>Starts it (<c>agent:started</c>). Refused unless spawned and idle or failed; a stopped agent never starts again.</summary>
    Task<EventReceipt> Start(CommandContext? context = null);

    /// <summary>Stops it for good (<c>agent:stopped</c>). Refused if not spawned or already stopped.</summary>
    Task<EventReceipt> Stop(string reason, CommandContext? context = null);

    /// <summary>Records a failure (<c>agent:failed</c>). Refused unless spawned or running.</summary>
    Task<EventReceipt> Fail(string error, string? stack = null, CommandContext? context = null);

    /// <summary>Changes its reported status (<c>agent:status-changed</c>). Refused if stopped, not spawned, or already in that status.</summary>
    Task<EventReceipt> ChangeStatus(AgentStatus newStatus, CommandContext? context = null);

    /// <summary>Assigns it a task (<c>agent:task-assigned</c>). Refused unless running and free.</summary>
    Task<EventReceipt> AssignTask(string taskId, CommandContext? context = null);

    /// <summary>Completes its current task (<c>agent:task-completed</c>); the duration runs from assignment. Refused unless <paramref name="taskId"/> is its current task.</summary>
    Task<EventReceipt> CompleteTask(string taskId, string? result, CommandContext? context = null);

    /// <summary>Its confirmed state.</summary>
    Task<AgentView> GetState();
}
