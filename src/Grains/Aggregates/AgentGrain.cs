using EventStore.Events;
using EventStore.Journal;
using EventStore.LogConsistency;
using Orleans.Providers;

namespace EventStore.Aggregates;

/// <summary>One agent: spawned, started, assigned tasks, completing them, failing or stopping.</summary>
[GrainType(AggregateTypes.Agent)]
[LogConsistencyProvider(ProviderName = JournalLogConsistencyProvider.ProviderName)]
public sealed class AgentGrain(CommandJournal journal) : AggregateGrain<AgentView>(journal), IAgentGrain
{
    /// <inheritdoc />
    protected override string DefaultSource => Id;

    /// <inheritdoc />
    public Task<EventReceipt> Spawn(string role, AgentDomain domain, IReadOnlyList<string> capabilities, CommandContext? context = null) =>
        Execute(context, [role, domain, capabilities], agent =>
        {
            var validRole = Guard.Id(role, nameof(role), MaxIdLength);
            Guard.Defined(domain, nameof(domain));
            var validCapabilities = Guard.Ids(capabilities, nameof(capabilities), MaxIdLength);
            if (agent.Exists) throw Refuse("spawn", $"it already exists (spawned as {agent.Role})");
            return new AgentSpawned(Id, validRole, domain, validCapabilities);
        });

    /// <inheritdoc />
    public Task<EventReceipt> Start(CommandContext? context = null) =>
        Execute(context, [], agent => agent.Lifecycle switch
        {
            AgentLifecycle.Spawned or AgentLifecycle.Failed => new AgentStarted(Id, Now),
            _ => throw Refuse("start", Describe(agent)),
        });

    /// <inheritdoc />
    public Task<EventReceipt> Stop(string reason, CommandContext? context = null) =>
        Execute(context, [reason], agent =>
        {
            Guard.Text(reason, nameof(reason));
            return agent.Lifecycle is AgentLifecycle.NotSpawned or AgentLifecycle.Stopped
                ? throw Refuse("stop", Describe(agent))
                : new AgentStopped(Id, reason, Now);
        });

    /// <inheritdoc />
    public Task<EventReceipt> Fail(string error, string? stack = null, CommandContext? context = null) =>
        Execute(context, [error, stack], agent =>
        {
            Guard.Text(error, nameof(error));
            return agent.Lifecycle is AgentLifecycle.Spawned or AgentLifecycle.Running
                ? new AgentFailed(Id, error, stack, Now)
                : throw Refuse("fail", Describe(agent));
        });

    /// <inheritdoc />
    public Task<EventReceipt> ChangeStatus(AgentStatus newStatus, CommandContext? context = null) =>
        Execute(context, [newStatus], agent =>
        {
            Guard.Defined(newStatus, nameof(newStatus));
            if (agent.Lifecycle is AgentLifecycle.NotSpawned or AgentLifecycle.Stopped) throw Refuse("change the status of", Describe(agent));
            if (agent.Status == newStatus) throw Refuse("change the status of", $"it is already {newStatus}");
            return new AgentStatusChanged(Id, agent.Status, newStatus);
        });

    /// <inheritdoc />
    public Task<EventReceipt> AssignTask(string taskId, CommandContext? context = null) =>
        Execute(context, [taskId], agent =>
        {
            Guard.Id(taskId, nameof(taskId), MaxIdLength);
            if (agent.Lifecycle != AgentLifecycle.Running) throw Refuse("assign a task to", Describe(agent));
            if (agent.CurrentTaskId is { } current) throw Refuse("assign a task to", $"it is busy with task '{current}'");
            return new AgentTaskAssigned(Id, taskId, Now);
        });

    /// <inheritdoc />
    public Task<EventReceipt> CompleteTask(string taskId, string? result, CommandContext? context = null) =>
        Execute(context, [taskId, result], agent =>
        {
            Guard.Id(taskId, nameof(taskId), MaxIdLength);
            if (agent.CurrentTaskId != taskId || agent.CurrentTaskAssignedAt is not { } assignedAt)
                throw Refuse("complete a task of", agent.CurrentTaskId is null ? $"task '{taskId}' is not assigned to it" : $"its current task is '{agent.CurrentTaskId}', not '{taskId}'");
            var now = Now;
            return new AgentTaskCompleted(Id, taskId, result, now, (long)(now - assignedAt).TotalMilliseconds);
        });

    /// <inheritdoc />
    public Task<AgentView> GetState() => GetView();

    private static string Describe(AgentView agent) => agent.Lifecycle switch
    {
        AgentLifecycle.NotSpawned => "it was never spawned",
        AgentLifecycle.Spawned => "it is spawned but not started",
        AgentLifecycle.Running => "it is already running",
        AgentLifecycle.Failed => "it has failed",
        _ => "it is stopped",
    };
}
