using EventStore.Events;

namespace EventStore.Aggregates;

/// <summary>One key of a memory namespace.</summary>
[GenerateSerializer]
public sealed class MemoryEntry
{
    /// <summary>The memory's id.</summary>
    [Id(0)] public required string MemoryId { get; set; }
    /// <summary>The key within the namespace.</summary>
    [Id(1)] public required string Key { get; set; }
    /// <summary>What kind of memory it is, such as <c>embedding</c>.</summary>
    [Id(2)] public required string MemoryType { get; set; }
    /// <summary>Size in bytes.</summary>
    [Id(3)] public long Size { get; set; }
    /// <summary>Reads since it was last stored.</summary>
    [Id(4)] public int AccessCount { get; set; }
    /// <summary>When it was last stored.</summary>
    [Id(5)] public DateTimeOffset StoredAt { get; set; }
    /// <summary>When it was last read.</summary>
    [Id(6)] public DateTimeOffset? LastAccessedAt { get; set; }
    /// <summary>When it was deleted, if it was.</summary>
    [Id(7)] public DateTimeOffset? DeletedAt { get; set; }
    /// <summary>When it expired, if it did.</summary>
    [Id(8)] public DateTimeOffset? ExpiredAt { get; set; }
    /// <summary>When it falls due and the namespace expires it by itself, if it was stored with a time to live.</summary>
    [Id(9)] public DateTimeOffset? ExpiresAt { get; set; }
    /// <summary>The id of the <c>memory:stored</c> event that last stored it: what its expiry names as its cause.</summary>
    [Id(10)] public string? StoredEventId { get; set; }
    /// <summary>That event's correlation id: its expiry belongs to the same run.</summary>
    [Id(11)] public string? StoredCorrelationId { get; set; }

    /// <summary>False once deleted or expired (until stored again).</summary>
    public bool IsActive => DeletedAt is null && ExpiredAt is null;
}

/// <summary>The state of one memory namespace: every key it ever held.</summary>
[GenerateSerializer]
public sealed class MemoryNamespaceView : AggregateView
{
    /// <summary>The namespace's name; set by its first event.</summary>
    [Id(0)] public string? Namespace { get; private set; }

    /// <summary>Entries by key, active or not.</summary>
    [Id(1)] public Dictionary<string, MemoryEntry> Entries { get; private set; } = [];

    /// <summary>Sum of the sizes of the active entries, in bytes.</summary>
    public long ActiveSize => Entries.Values.Where(e => e.IsActive).Sum(e => e.Size);

    /// <inheritdoc />
    protected override void When(IDomainEvent payload)
    {
        switch (payload)
        {
            case MemoryStored e:
                Namespace = e.Namespace;
                Entries[e.Key] = new MemoryEntry { MemoryId = e.MemoryId, Key = e.Key, MemoryType = e.MemoryType, Size = e.Size, StoredAt = e.StoredAt, ExpiresAt = e.ExpiresAt,
                    StoredEventId = LastEventId, StoredCorrelationId = LastCorrelationId };
                break;
            case MemoryRetrieved e when Entries.TryGetValue(e.Key, out var entry):
                (entry.AccessCount, entry.LastAccessedAt) = (e.AccessCount, e.RetrievedAt);
                break;
            case MemoryDeleted e when Entries.TryGetValue(e.Key, out var entry):
                entry.DeletedAt = e.DeletedAt;
                break;
            case MemoryExpired e when Entries.TryGetValue(e.Key, out var entry):
                entry.ExpiredAt = e.ExpiredAt;
                break;
        }
    }
}
