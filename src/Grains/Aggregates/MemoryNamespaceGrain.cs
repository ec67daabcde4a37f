using EventStore.Events;
using EventStore.Journal;
using EventStore.LogConsistency;
using Orleans.Providers;

namespace EventStore.Aggregates;

/// <summary>One memory namespace: keys stored, read, deleted and expired.</summary>
[GrainType(AggregateTypes.Memory)]
[LogConsistencyProvider(ProviderName = JournalLogConsistencyProvider.ProviderName)]
public sealed class MemoryNamespaceGrain(CommandJournal journal) : AggregateGrain<MemoryNamespaceView>(journal), IMemoryNamespaceGrain
{
    /// <inheritdoc />
    public Task<EventReceipt> Store(string key, string memoryType, long size, string? memoryId = null, CommandContext? context = null) =>
        Execute(context, [key, memoryType, size, memoryId], memory =>
        {
            Guard.Id(key, nameof(key), MaxIdLength);
            var validType = Guard.Id(memoryType, nameof(memoryType), MaxIdLength);
            Guard.InRange(size, nameof(size), 0, long.MaxValue);
            var id = Guard.OptionalId(memoryId, nameof(memoryId), MaxIdLength)
                ?? (memory.Entries.TryGetValue(key, out var existing) ? existing.MemoryId : $"{Id}/{key}");
            return new MemoryStored(id, Id, key, validType, size, Now);
        });

    /// <inheritdoc />
    public Task<EventReceipt> Retrieve(string key, CommandContext? context = null) =>
        Execute(context, [key], memory =>
        {
            var entry = ActiveEntry(memory, key, "retrieve");
            return new MemoryRetrieved(entry.MemoryId, Id, key, Now, entry.AccessCount + 1);
        });

    /// <inheritdoc />
    public Task<EventReceipt> Delete(string key, CommandContext? context = null) =>
        Execute(context, [key], memory =>
        {
            var entry = ActiveEntry(memory, key, "delete");
            return new MemoryDeleted(entry.MemoryId, Id, key, Now);
        });

    /// <inheritdoc />
    public Task<EventReceipt> Expire(string key, DateTimeOffset expiresAt, CommandContext? context = null) =>
        Execute(context, [key, expiresAt], memory =>
        {
            var entry = ActiveEntry(memory, key, "expire");
            var now = Now;
            if (expiresAt > now) throw Refuse("expire", $"key '{key}' is due at {expiresAt:O}, which is still in the future");
            return new MemoryExpired(entry.MemoryId, Id, key, now, expiresAt);
        });

    /// <inheritdoc />
    public Task<MemoryNamespaceView> GetState() => GetView();

    private MemoryEntry ActiveEntry(MemoryNamespaceView memory, string key, string command)
    {
        Guard.Id(key, nameof(key), MaxIdLength);
        if (!memory.Entries.TryGetValue(key, out var entry)) throw Refuse(command, $"key '{key}' was never stored");
        if (entry.DeletedAt is not null) throw Refuse(command, $"key '{key}' was deleted");
        if (entry.ExpiredAt is not null) throw Refuse(command, $"key '{key}' has expired");
        return entry;
    }
}
