using EventStore.Events;

namespace EventStore.Projections;

/// <summary>
/// The MemoryIndex read model: memory entries by namespace and memory id. Memory ids are chosen by
/// clients and need only be unique within their namespace, so a record's key is the pair (the stream's
/// id, which is the namespace, and the memory id): no namespace can reach another one's records.
/// </summary>
[GenerateSerializer]
public sealed class MemoryIndexModel : IReadModel
{
    /// <summary>Entries by <see cref="KeyOf"/>(namespace, memory id).</summary>
    [Id(0)] public Dictionary<string, MemoryRecord> Memories { get; set; } = [];

    /// <summary>The memory id each namespace and key holds now, by <see cref="KeyOf"/>(namespace, key).</summary>
    [Id(1)] public Dictionary<string, string> MemoryIdByKey { get; set; } = [];

    /// <summary>2: records keyed by the stream they came from (memories by namespace and memory id), not by ids in payloads.</summary>
    public static int ShapeVersion => 2;

    /// <inheritdoc />
    public int Count => Memories.Count;

    /// <summary>The record of a memory id in a namespace, if any.</summary>
    public MemoryRecord? Find(string @namespace, string memoryId) => Memories.GetValueOrDefault(KeyOf(@namespace, memoryId));

    /// <inheritdoc />
    public void Apply(EventEnvelope envelope)
    {
        var @namespace = envelope.AggregateId;
        switch (envelope.Payload)
        {
            case MemoryStored e:
                // A key stored again under a new memory id replaces the memory it held before.
                if (MemoryIdByKey.TryGetValue(KeyOf(@namespace, e.Key), out var previous) && previous != e.MemoryId) Memories.Remove(KeyOf(@namespace, previous));
                MemoryIdByKey[KeyOf(@namespace, e.Key)] = e.MemoryId;
                Memories[KeyOf(@namespace, e.MemoryId)] = new MemoryRecord { MemoryId = e.MemoryId, Namespace = @namespace, Key = e.Key, MemoryType = e.MemoryType, Size = e.Size, StoredAt = e.StoredAt };
                break;
            case MemoryRetrieved e when Memories.TryGetValue(KeyOf(@namespace, e.MemoryId), out var memory):
                (memory.AccessCount, memory.LastAccessedAt) = (e.AccessCount, e.RetrievedAt);
                break;
            case MemoryDeleted e when Memories.TryGetValue(KeyOf(@namespace, e.MemoryId), out var memory):
                memory.DeletedAt = e.DeletedAt;
                break;
            case MemoryExpired e when Memories.TryGetValue(KeyOf(@namespace, e.MemoryId), out var memory):
                memory.ExpiredAt = e.ExpiredAt;
                break;
        }
    }

    /// <summary>One dictionary key for a namespace and a name in it (a key or a memory id); the length prefix keeps any two pairs apart.</summary>
    public static string KeyOf(string @namespace, string name) => $"{@namespace.Length}:{@namespace}/{name}";
}
