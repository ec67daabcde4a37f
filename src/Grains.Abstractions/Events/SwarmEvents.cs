namespace EventStore.Events;

/// <summary>A swarm was set up with its topology, size limit and configuration.</summary>
[EventType("swarm:initialized"), GenerateSerializer, Immutable]
public sealed record SwarmInitialized(string Topology, int MaxAgents, IReadOnlyDictionary<string, string> Config, DateTimeOffset InitializedAt) : IDomainEvent;

/// <summary>A swarm's agent count changed.</summary>
[EventType("swarm:scaled"), GenerateSerializer, Immutable]
public sealed record SwarmScaled(int PreviousAgentCount, int NewAgentCount, DateTimeOffset ScaledAt, string Reason) : IDomainEvent;

/// <summary>A swarm was shut down; no further commands are accepted.</summary>
[EventType("swarm:terminated"), GenerateSerializer, Immutable]
public sealed record SwarmTerminated(string Reason, DateTimeOffset TerminatedAt, IReadOnlyDictionary<string, double> Metrics) : IDomainEvent;

/// <summary>A swarm moved to another execution phase.</summary>
[EventType("swarm:phase-changed"), GenerateSerializer, Immutable]
public sealed record SwarmPhaseChanged(string PreviousPhase, string NewPhase, DateTimeOffset ChangedAt) : IDomainEvent;

/// <summary>A swarm reached a milestone.</summary>
[EventType("swarm:milestone-reached"), GenerateSerializer, Immutable]
public sealed record SwarmMilestoneReached(string MilestoneId, string Name, DateTimeOffset ReachedAt) : IDomainEvent;

/// <summary>A swarm recorded a system error.</summary>
[EventType("swarm:error"), GenerateSerializer, Immutable]
public sealed record SwarmError(string Error, string? Stack, IReadOnlyDictionary<string, string> Context, DateTimeOffset ErrorAt) : IDomainEvent;
