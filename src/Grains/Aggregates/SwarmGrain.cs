using EventStore.Events;
using EventStore.Journal;
using EventStore.LogConsistency;
using Orleans.Providers;

namespace EventStore.Aggregates;

/// <summary>One swarm: initialized, scaled, moved through phases, reaching milestones, terminated.</summary>
[GrainType(AggregateTypes.Swarm)]
[LogConsistencyProvider(ProviderName = JournalLogConsistencyProvider.ProviderName)]
public sealed class SwarmGrain(CommandJournal journal) : AggregateGrain<SwarmView>(journal), ISwarmGrain
{
    /// <summary>The most agents a swarm may be initialized with.</summary>
    public const int MaxAgentsLimit = 100_000;

    /// <inheritdoc />
    protected override string DefaultSource => "swarm";

    /// <inheritdoc />
    public Task<EventReceipt> Initialize(string topology, int maxAgents, IReadOnlyDictionary<string, string> config, CommandContext? context = null) =>
        Execute(context, [topology, maxAgents, config], swarm =>
        {
            var validTopology = Guard.Id(topology, nameof(topology), MaxIdLength);
            Guard.InRange(maxAgents, nameof(maxAgents), 1, MaxAgentsLimit);
            var validConfig = Guard.Map(config, nameof(config), MaxIdLength);
            if (swarm.Exists) throw Refuse("initialize", $"it is already initialized ({swarm.Topology})");
            return new SwarmInitialized(validTopology, maxAgents, validConfig, Now);
        });

    /// <inheritdoc />
    public Task<EventReceipt> Scale(int newAgentCount, string reason, CommandContext? context = null) =>
        Execute(context, [newAgentCount, reason], swarm =>
        {
            Guard.Text(reason, nameof(reason));
            RequireLive(swarm, "scale");
            Guard.InRange(newAgentCount, nameof(newAgentCount), 0, swarm.MaxAgents);
            if (newAgentCount == swarm.AgentCount) throw Refuse("scale", $"it already runs {newAgentCount} agents");
            return new SwarmScaled(swarm.AgentCount, newAgentCount, Now, reason);
        });

    /// <inheritdoc />
    public Task<EventReceipt> ChangePhase(string newPhase, CommandContext? context = null) =>
        Execute(context, [newPhase], swarm =>
        {
            Guard.Id(newPhase, nameof(newPhase), MaxIdLength);
            RequireLive(swarm, "change the phase of");
            if (swarm.Phase == newPhase) throw Refuse("change the phase of", $"it is already in phase '{newPhase}'");
            return new SwarmPhaseChanged(swarm.Phase, newPhase, Now);
        });

    /// <inheritdoc />
    public Task<EventReceipt> ReachMilestone(string milestoneId, string name, CommandContext? context = null) =>
        Execute(context, [milestoneId, name], swarm =>
        {
            Guard.Id(milestoneId, nameof(milestoneId), MaxIdLength);
            Guard.Text(name, nameof(name));
            RequireLive(swarm, "record a milestone of");
            if (swarm.Milestones.ContainsKey(milestoneId)) throw Refuse("record a milestone of", $"milestone '{milestoneId}' was already reached");
            return new SwarmMilestoneReached(milestoneId, name, Now);
        });

    /// <inheritdoc />
    public Task<EventReceipt> RecordError(string error, string? stack, IReadOnlyDictionary<string, string> errorContext, CommandContext? context = null) =>
        Execute(context, [error, stack, errorContext], swarm =>
        {
            Guard.Text(error, nameof(error));
            var validContext = Guard.Map(errorContext, nameof(errorContext), MaxIdLength);
            RequireLive(swarm, "record an error of");
            return new SwarmError(error, stack, validContext, Now);
        });

    /// <inheritdoc />
    public Task<EventReceipt> Terminate(string reason, IReadOnlyDictionary<string, double> metrics, CommandContext? context = null) =>
        Execute(context, [reason, metrics], swarm =>
        {
            Guard.Text(reason, nameof(reason));
            var validMetrics = Guard.Map(metrics, nameof(metrics), MaxIdLength);
            if (validMetrics.FirstOrDefault(m => !double.IsFinite(m.Value)) is { Key: { } key, Value: var value })
                throw new Errors.InvalidCommandException($"{nameof(metrics)}[{key}]", $"must be a finite number, not {value}");
            RequireLive(swarm, "terminate");
            return new SwarmTerminated(reason, Now, validMetrics);
        });

    /// <inheritdoc />
    public Task<SwarmView> GetState() => GetView();

    private void RequireLive(SwarmView swarm, string command)
    {
        if (!swarm.Exists) throw Refuse(command, "it was never initialized");
        if (swarm.IsTerminated) throw Refuse(command, $"it was terminated ({swarm.TerminationReason})");
    }
}
