using System.Text.Json.Serialization;
using EventStore.Aggregates;

namespace EventStore.Events;

/// <summary>A task was created.</summary>
[EventType("task:created"), GenerateSerializer, Immutable]
public sealed record TaskCreated(
    string TaskId,
    string TaskType,
    string Title,
    string Description,
    TaskPriority Priority,
    IReadOnlyList<string> Dependencies,
    DateTimeOffset CreatedAt) : ITaskEvent;

/// <summary>An agent began executing a task.</summary>
[EventType("task:started"), GenerateSerializer, Immutable]
public sealed record TaskStarted(string TaskId, string AgentId, DateTimeOffset StartedAt) : ITaskEvent;

/// <summary>A task finished successfully.</summary>
[EventType("task:completed"), GenerateSerializer, Immutable]
public sealed record TaskCompleted(string TaskId, string? Result, DateTimeOffset CompletedAt, [property: JsonPropertyName("duration")] long DurationMs) : ITaskEvent;

/// <summary>A task attempt failed. <see cref="RetryCount"/> is the number of earlier attempts.</summary>
[EventType("task:failed"), GenerateSerializer, Immutable]
public sealed record TaskFailed(string TaskId, string Error, string? Stack, DateTimeOffset FailedAt, int RetryCount) : ITaskEvent;

/// <summary>A task cannot proceed until the listed tasks or resources are available.</summary>
[EventType("task:blocked"), GenerateSerializer, Immutable]
public sealed record TaskBlocked(string TaskId, IReadOnlyList<string> BlockedBy, DateTimeOffset BlockedAt) : ITaskEvent;

/// <summary>A task was put in the queue to be picked up.</summary>
[EventType("task:queued"), GenerateSerializer, Immutable]
public sealed record TaskQueued(string TaskId, TaskPriority Priority, DateTimeOffset QueuedAt) : ITaskEvent;
