using System.Text.Json.Nodes;
using EventStore.Events;

namespace EventStore.Tests.Upcasting;

/// <summary>
/// A test event that changed twice. Version 1: <c>{"taskId","note"}</c>; version 2 renamed <c>note</c> to <c>text</c>;
/// version 3 (this shape) added <c>priority</c>, 3 for rows written before it existed.
/// </summary>
[EventType("test:upcast-task", Version = 3), GenerateSerializer, Immutable]
public sealed record UpcastTaskNoted(string TaskId, string Text, int Priority) : IDomainEvent;

/// <summary>Version 1 to 2 of <see cref="UpcastTaskNoted"/>: the field <c>note</c> is now <c>text</c>. A row without a <c>note</c> cannot be upcast.</summary>
public sealed class UpcastTaskNotedV1() : EventUpcaster("test:upcast-task", fromVersion: 1)
{
    /// <inheritdoc />
    public override JsonObject Upcast(JsonObject payload)
    {
        var note = payload["note"]?.GetValue<string>() ?? throw new InvalidOperationException("the version 1 payload has no 'note'");
        payload.Remove("note");
        payload["text"] = note;
        return payload;
    }
}

/// <summary>Version 2 to 3 of <see cref="UpcastTaskNoted"/>: <c>priority</c> added, with its default.</summary>
public sealed class UpcastTaskNotedV2() : EventUpcaster("test:upcast-task", fromVersion: 2)
{
    /// <summary>What rows written before the field existed read as.</summary>
    public const int DefaultPriority = 3;

    /// <inheritdoc />
    public override JsonObject Upcast(JsonObject payload)
    {
        payload["priority"] = DefaultPriority;
        return payload;
    }
}

/// <summary>
/// A renamed test event: rows of version 1 were stored as <c>test:upcast-memo</c> <c>{"body"}</c>; the type is now
/// <c>test:upcast-note-written</c> at version 2, with an <c>author</c> (<c>unknown</c> on the old rows).
/// </summary>
[EventType("test:upcast-note-written", Version = 2), GenerateSerializer, Immutable]
public sealed record UpcastNoteWritten(string Body, string Author) : IDomainEvent;

/// <summary><c>test:upcast-memo</c> version 1 becomes <c>test:upcast-note-written</c> version 2.</summary>
public sealed class UpcastMemoRenamed() : EventUpcaster("test:upcast-memo", fromVersion: 1, toEventType: "test:upcast-note-written")
{
    /// <inheritdoc />
    public override JsonObject Upcast(JsonObject payload)
    {
        payload["author"] = "unknown";
        return payload;
    }
}

/// <summary>
/// Rows stored under a former, test-only name of the built-in <c>memory:stored</c>, in an older shape (<c>kind</c> and
/// <c>bytes</c> for <c>memoryType</c> and <c>size</c>), read as <c>memory:stored</c> at its version 1: a renaming that keeps
/// the version, which lets a built-in projection fold them.
/// </summary>
public sealed class LegacyMemoryStoredRenamed() : EventUpcaster("test:legacy-memory-stored", fromVersion: 1, toEventType: "memory:stored", toVersion: 1)
{
    /// <inheritdoc />
    public override JsonObject Upcast(JsonObject payload)
    {
        payload["memoryType"] = payload["kind"]?.DeepClone();
        payload["size"] = payload["bytes"]?.DeepClone();
        payload.Remove("kind");
        payload.Remove("bytes");
        return payload;
    }
}

/// <summary>An upcaster the tests build by hand (it has no parameterless constructor, so no assembly scan registers it).</summary>
public sealed class ScriptedUpcaster(string eventType, int fromVersion, string? toEventType = null, int? toVersion = null)
    : EventUpcaster(eventType, fromVersion, toEventType, toVersion)
{
    /// <inheritdoc />
    public override JsonObject Upcast(JsonObject payload) => payload;
}
