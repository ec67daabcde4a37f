namespace EventStore.Aggregates;

/// <summary>
/// One memory namespace, keyed by its name, holding many keys. Each command validates against the
/// namespace's current state, raises one event and returns only after that event is durable.
/// </summary>
public interface IMemoryNamespaceGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores (or overwrites) a key (<c>memory:stored</c>). A new memory id is generated unless given; an overwrite keeps the key's id.
    /// With <paramref name="timeToLive"/> (positive, at most <c>EventStore:Reminders:MaxTimeToLive</c>, 365 days by default) the
    /// namespace writes <c>memory:expired</c> for the key by itself once it falls due, whether or not the grain is active and across
    /// silo restarts (a durable reminder in the journal's database). An overwrite (with a new time to live or none) or a delete before
    /// the due time cancels the old one.
    /// </summary>
    Task<EventReceipt> Store(string key, string memoryType, long size, string? memoryId = null, CommandContext? context = null, TimeSpan? timeToLive = null);

    /// <summary>
    /// Records a read of a key (<c>memory:retrieved</c>). Refused for a key that is unknown, deleted or expired. A key past its
    /// due time whose expiry has not been written yet is expired first (<c>memory:expired</c>), then the read is refused:
    /// nobody reads a key after its due time.
    /// </summary>
    Task<EventReceipt> Retrieve(string key, CommandContext? context = null);

    /// <summary>Deletes a key (<c>memory:deleted</c>). Refused unless the key is active.</summary>
    Task<EventReceipt> Delete(string key, CommandContext? context = null);

    /// <summary>Expires a key (<c>memory:expired</c>) that was due at <paramref name="expiresAt"/>. Refused unless the key is active.</summary>
    Task<EventReceipt> Expire(string key, DateTimeOffset expiresAt, CommandContext? context = null);

    /// <summary>Its confirmed state.</summary>
    Task<MemoryNamespaceView> GetState();
}
