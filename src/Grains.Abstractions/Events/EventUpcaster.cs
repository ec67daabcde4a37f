using System.Text.Json.Nodes;

namespace EventStore.Events;

/// <summary>
/// Takes the stored JSON payload of one event type at one schema version to the next shape: a field added with
/// a default, a field renamed, or the type renamed (<paramref name="toEventType"/>). Applied only when rows are
/// read, one upcaster after the other until the payload has its type's current version; stored rows are never
/// rewritten. Every non-abstract subclass with a public parameterless constructor in an assembly of
/// <c>JournalOptions.EventAssemblies</c> is registered, and the chains are checked when the silo starts.
/// </summary>
/// <example>
/// <code>
/// [EventType("task:noted", Version = 2)]
/// public sealed record TaskNoted(string TaskId, string Text, int Priority) : IDomainEvent;
///
/// public sealed class TaskNotedV1() : EventUpcaster("task:noted", fromVersion: 1)
/// {
///     public override JsonObject Upcast(JsonObject payload)
///     {
///         payload["text"] = payload["note"]?.DeepClone();  // renamed field
///         payload.Remove("note");
///         payload["priority"] = 3;                          // added field, with its default
///         return payload;
///     }
/// }
/// </code>
/// </example>
/// <param name="eventType">The stored type name this upcaster reads.</param>
/// <param name="fromVersion">The schema version it reads (1 or more).</param>
/// <param name="toEventType">The type name of what it returns; null (the default) keeps <paramref name="eventType"/>.</param>
/// <param name="toVersion">The version of what it returns; null (the default) is <paramref name="fromVersion"/> + 1. Only a renaming may keep the version.</param>
public abstract class EventUpcaster(string eventType, int fromVersion, string? toEventType = null, int? toVersion = null)
{
    /// <summary>The stored type name this upcaster reads.</summary>
    public string EventType { get; } = eventType;

    /// <summary>The schema version this upcaster reads.</summary>
    public int FromVersion { get; } = fromVersion;

    /// <summary>The type name of the payload it returns.</summary>
    public string ToEventType { get; } = toEventType ?? eventType;

    /// <summary>The schema version of the payload it returns.</summary>
    public int ToVersion { get; } = toVersion ?? fromVersion + 1;

    /// <summary>
    /// Returns the payload in the next shape; it may change and return <paramref name="payload"/> itself. An
    /// exception makes the row unreadable (reads name its position, type and version), never changes the row.
    /// </summary>
    public abstract JsonObject Upcast(JsonObject payload);

    /// <inheritdoc />
    public override string ToString() => $"{GetType().Name} ('{EventType}' v{FromVersion} -> '{ToEventType}' v{ToVersion})";
}
