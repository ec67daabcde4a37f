using EventStore.Events;

namespace EventStore.Projections;

/// <summary>The MemoryIndex read model: memory entries by memory id.</summary>
[GenerateSerializer]
public sealed class MemoryIndexModel : IReadModel
{
    /// <summary>Entries by memory id.</summary>
    [Id(0)] public Dictionary<string, MemoryRecord> Memories { get; set; } = [];

    /// <summary>The memory id each namespace and key holds now.</summary>
    [Id(1)] public Dictionary<string, string> MemoryIdByKey { get; set; } = [];

    /// <inheritdoc />
    public int Count => Memories.Count;

    /// <inheritdoc />
    public void Apply(EventEnvelope envelope)
    {
        switch (envelope.Payload)
        {
            case MemoryStored e:
                // A key stored again under a new memory id replaces the memory it held before.
                if (MemoryIdByKey.TryGetValue(KeyOf(e.Namespace, e.Key), out var previous) && previous != e.MemoryId) Memories.Remove(previous);
                MemoryIdByKey[KeyOf(e.Namespace, e.Key)] = e.MemoryId;
                Memories[e.MemoryId] = new MemoryRecord { MemoryId = e.MemoryId, Namespace = e.Namespace, Key = e.Key, MemoryType = e.MemoryType, Size = e.Size, StoredAt = e.StoredAt };
                break;
            case MemoryRetrieved e when Memories.TryGetValue(e.MemoryId, out var memory):
                (memory.AccessCount, memory.LastAccessedAt) = (e.AccessCount, e.RetrievedAt);
                break;
            case MemoryDeleted e when Memories.TryGetValue(e.MemoryId, out var memory):
                memory.DeletedAt = e.DeletedAt;
                break;
            case MemoryExpired e when Memories.TryGetValue(e.MemoryId, out var memory):
                memory.ExpiredAt = e.ExpiredAt;
                break;
        }
    }

    private static string KeyOf(string @namespace, string key) => $"{@namespace.Length}:{@namespace}/{key}";
}
