using System.Text.Json.Serialization;

namespace EventStore.Events;

/// <summary>
/// A memory entry was saved (or overwritten) under a key of a namespace. <see cref="ExpiresAt"/>, when set, is when the
/// namespace expires it by itself (<c>memory:expired</c>); it is left out of the JSON when null, so payloads without a
/// time to live read and write as before it existed.
/// </summary>
[EventType("memory:stored"), GenerateSerializer, Immutable]
public sealed record MemoryStored(string MemoryId, string Namespace, string Key, string MemoryType, long Size, DateTimeOffset StoredAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ExpiresAt = null) : IMemoryEvent;

/// <summary>A memory entry was read; <see cref="AccessCount"/> counts reads including this one.</summary>
[EventType("memory:retrieved"), GenerateSerializer, Immutable]
public sealed record MemoryRetrieved(string MemoryId, string Namespace, string Key, DateTimeOffset RetrievedAt, int AccessCount) : IMemoryEvent;

/// <summary>A memory entry was removed.</summary>
[EventType("memory:deleted"), GenerateSerializer, Immutable]
public sealed record MemoryDeleted(string MemoryId, string Namespace, string Key, DateTimeOffset DeletedAt) : IMemoryEvent;

/// <summary>A memory entry reached its expiry time and was removed.</summary>
[EventType("memory:expired"), GenerateSerializer, Immutable]
public sealed record MemoryExpired(string MemoryId, string Namespace, string Key, DateTimeOffset ExpiredAt, DateTimeOffset ExpiresAt) : IMemoryEvent;
