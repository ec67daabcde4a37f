namespace EventStore.Aggregates;

/// <summary>
/// One memory namespace, keyed by its name, holding many keys. Each command validates against the
/// namespace's current state, raises one event and returns only after that event is durable.
/// </summary>
public interface IMemoryNamespaceGrain : IGrainWithStringKey
{
    /// <summary>Stores (or overwrites) a key (<c>memory:stored</c>). A new memory id is generated unless given; an overwrite keeps the key's id.</summary>
    Task<EventReceipt> Store(string key, string memoryType, long size, string? memoryId = null, CommandContext? context = null);

    /// <summary>Records a read of a key (<c>memory:retrieved</c>). Refused for a key that is unknown, deleted or expired.</summary>
    Task<EventReceipt> Retrieve(string key, CommandContext? context = null);

    /// <summary>Deletes a key (<c>memory:deleted</c>). Refused unless the key is active.</summary>
    Task<EventReceipt> Delete(string key, CommandContext? context = null);

    /// <summary>Expires a key (<c>memory:expired</c>) that was due at <paramref name="expiresAt"/>. Refused unless the key is active.</summary>
    Task<EventReceipt> Expire(string key, DateTimeOffset expiresAt, CommandContext? context = null);

    /// <summary>Its confirmed state.</summary>
    Task<MemoryNamespaceView> GetState();
}
