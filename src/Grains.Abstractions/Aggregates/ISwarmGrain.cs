namespace EventStore.Aggregates;

/// <summary>
/// One swarm, keyed by its id. Each command validates against the swarm's current state, raises one
/// event and returns only after that event is durable in the journal. A terminated swarm refuses all.
/// </summary>
public interface ISwarmGrain : IGrainWithStringKey
{
    /// <summary>Sets the swarm up (<c>swarm:initialized</c>). Refused if already initialized.</summary>
    Task<EventReceipt> Initialize(string topology, int maxAgents, IReadOnlyDictionary<string, string> config, CommandContext? context = null);

    /// <summary>Changes its agent count (<c>swarm:scaled</c>), between 0 and its maximum.</summary>
    Task<EventReceipt> Scale(int newAgentCount, string reason, CommandContext? context = null);

    /// <summary>Moves it to another phase (<c>swarm:phase-changed</c>).</summary>
    Task<EventReceipt> ChangePhase(string newPhase, CommandContext? context = null);

    /// <summary>Records a milestone (<c>swarm:milestone-reached</c>); each milestone id once.</summary>
    Task<EventReceipt> ReachMilestone(string milestoneId, string name, CommandContext? context = null);

    /// <summary>Records a system error (<c>swarm:error</c>).</summary>
    Task<EventReceipt> RecordError(string error, string? stack, IReadOnlyDictionary<string, string> errorContext, CommandContext? context = null);

    /// <summary>Shuts it down for good (<c>swarm:terminated</c>).</summary>
    Task<EventReceipt> Terminate(string reason, IReadOnlyDictionary<string, double> metrics, CommandContext? context = null);

    /// <summary>Its confirmed state.</summary>
    Task<SwarmView> GetState();
}
