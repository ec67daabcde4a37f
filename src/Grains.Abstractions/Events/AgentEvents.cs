using System.Text.Json.Serialization;
using EventStore.Aggregates;

namespace EventStore.Events;

/// <summary>An agent was created with its role, domain and capabilities.</summary>
[EventType("agent:spawned"), GenerateSerializer, Immutable]
public sealed record AgentSpawned(string AgentId, string Role, AgentDomain Domain, IReadOnlyList<string> Capabilities) : IAgentEvent;

/// <summary>An agent began executing.</summary>
[EventType("agent:started"), GenerateSerializer, Immutable]
public sealed record AgentStarted(string AgentId, DateTimeOffset StartedAt) : IAgentEvent;

/// <summary>An agent finished its work and stopped.</summary>
[EventType("agent:stopped"), GenerateSerializer, Immutable]
public sealed record AgentStopped(string AgentId, string Reason, DateTimeOffset StoppedAt) : IAgentEvent;

/// <summary>An agent hit an error it could not recover from.</summary>
[EventType("agent:failed"), GenerateSerializer, Immutable]
public sealed record AgentFailed(string AgentId, string Error, string? Stack, DateTimeOffset FailedAt) : IAgentEvent;

/// <summary>An agent's reported status changed.</summary>
[EventType("agent:status-changed"), GenerateSerializer, Immutable]
public sealed record AgentStatusChanged(string AgentId, AgentStatus PreviousStatus, AgentStatus NewStatus) : IAgentEvent;

/// <summary>A task was assigned to an agent.</summary>
[EventType("agent:task-assigned"), GenerateSerializer, Immutable]
public sealed record AgentTaskAssigned(string AgentId, string TaskId, DateTimeOffset AssignedAt) : IAgentEvent;

/// <summary>An agent finished its assigned task.</summary>
[EventType("agent:task-completed"), GenerateSerializer, Immutable]
public sealed record AgentTaskCompleted(string AgentId, string TaskId, string? Result, DateTimeOffset CompletedAt, [property: JsonPropertyName("duration")] long DurationMs) : IAgentEvent;
