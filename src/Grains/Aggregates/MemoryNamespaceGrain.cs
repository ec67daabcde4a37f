using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.LogConsistency;
using EventStore.Reminders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Providers;

namespace EventStore.Aggregates;

/// <summary>
/// One memory namespace: keys stored, read, deleted and expired. Keys stored with a time to live expire by themselves:
/// the namespace keeps each key's due time in its state and holds one durable reminder (<see cref="ExpiryReminder"/>),
/// due at its earliest due key. Registered before a store with a time to live is written (so no committed key is ever
/// without one), moved when the earliest due time changes and removed when nothing is due; when it fires, the namespace
/// writes <c>memory:expired</c> for every due key through its ordinary command path and re-arms for the next. Its period
/// (<see cref="MemoryExpiryOptions.RetryPeriod"/>) makes it fire again if that failed.
/// </summary>
[GrainType(AggregateTypes.Memory)]
[LogConsistencyProvider(ProviderName = JournalLogConsistencyProvider.ProviderName)]
public sealed class MemoryNamespaceGrain(CommandJournal journal, IOptions<MemoryExpiryOptions> expiry, ILogger<MemoryNamespaceGrain> logger)
    : AggregateGrain<MemoryNamespaceView>(journal), IMemoryNamespaceGrain, IRemindable
{
    /// <summary>The name of the namespace's expiry reminder.</summary>
    public const string ExpiryReminder = "memory-expiry";

    /// <summary>The source of the <c>memory:expired</c> events the namespace writes by itself.</summary>
    public const string ExpirySource = "memory-expiry";

    private readonly MemoryExpiryOptions _expiry = expiry.Value;

    /// <summary>What this activation knows the reminder is due at (null: no reminder); unknown until it registers or removes it.</summary>
    private (bool Known, DateTimeOffset? DueAt) _armed;

    /// <inheritdoc />
    public async Task<EventReceipt> Store(string key, string memoryType, long size, string? memoryId = null, CommandContext? context = null, TimeSpan? timeToLive = null)
    {
        var ttl = timeToLive is { } requested ? Guard.Positive(requested, nameof(timeToLive), _expiry.MaxTimeToLive) : (TimeSpan?)null;
        DateTimeOffset? expiresAt = null;
        if (ttl is { } live)
        {
            ValidateStore(key, memoryType, size, memoryId);
            expiresAt = Now + live;
            await ArmBy(expiresAt.Value);
        }
        // Without a time to live the request is what it always was, so retries of earlier commands still match.
        object?[] arguments = ttl is null ? [key, memoryType, size, memoryId] : [key, memoryType, size, memoryId, ttl];
        var receipt = await Execute(context, arguments, memory =>
        {
            var (_, validType, _, validId) = ValidateStore(key, memoryType, size, memoryId);
            var id = validId ?? (memory.Entries.TryGetValue(key, out var existing) ? existing.MemoryId : $"{Id}/{key}");
            return new MemoryStored(id, Id, key, validType, size, Now, expiresAt);
        });
        await Rearm(mustSucceed: false); // an overwrite may have cancelled the earliest due time
        return receipt;
    }

    /// <inheritdoc />
    public async Task<EventReceipt> Retrieve(string key, CommandContext? context = null)
    {
        if (key is not null && State.Entries.TryGetValue(key, out var due) && due.IsActive && due.ExpiresAt is { } expiresAt && expiresAt <= Now)
        {
            await ExpireDue(key, expiresAt);
            await Rearm(mustSucceed: false);
        }
        return await Execute(context, [key], memory =>
        {
            var entry = ActiveEntry(memory, key!, "retrieve");
            return new MemoryRetrieved(entry.MemoryId, Id, key!, Now, entry.AccessCount + 1);
        });
    }

    /// <inheritdoc />
    public async Task<EventReceipt> Delete(string key, CommandContext? context = null)
    {
        var receipt = await Execute(context, [key], memory =>
        {
            var entry = ActiveEntry(memory, key, "delete");
            return new MemoryDeleted(entry.MemoryId, Id, key, Now);
        });
        await Rearm(mustSucceed: false);
        return receipt;
    }

    /// <inheritdoc />
    public async Task<EventReceipt> Expire(string key, DateTimeOffset expiresAt, CommandContext? context = null)
    {
        var receipt = await Execute(context, [key, expiresAt], memory =>
        {
            var entry = ActiveEntry(memory, key, "expire");
            var now = Now;
            if (expiresAt > now) throw Refuse("expire", $"key '{key}' is due at {expiresAt:O}, which is still in the future");
            return new MemoryExpired(entry.MemoryId, Id, key, now, expiresAt);
        });
        await Rearm(mustSucceed: false);
        return receipt;
    }

    /// <inheritdoc />
    public Task<MemoryNamespaceView> GetState() => GetView();

    /// <summary>
    /// The expiry reminder fired: writes <c>memory:expired</c> for every key now due, then re-arms for the next due key
    /// (or removes the reminder). A failure leaves the reminder as it is, so it fires again after its period.
    /// </summary>
    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != ExpiryReminder) return;
        var memory = await GetView();
        var now = Now;
        foreach (var (key, expiresAt) in DueKeys(memory, now)) await ExpireDue(key, expiresAt);
        _armed = default; // the reminder has ticked: register it afresh, even for the same due time
        await Rearm(mustSucceed: true, ticked: true);
    }

    /// <summary>
    /// Writes <c>memory:expired</c> for a key that fell due at <paramref name="expiresAt"/>, unless, as of the journal, the key
    /// is no longer that one (deleted, expired, or overwritten since). At most one expiry per stored key: the write is
    /// conditional on the namespace's version, and decided again from the new state if another write went first. The
    /// expiry joins the run that stored the key: its correlation id, and the <c>memory:stored</c> event as its cause.
    /// </summary>
    private async Task ExpireDue(string key, DateTimeOffset expiresAt)
    {
        var stored = State.Entries.GetValueOrDefault(key);
        var context = new CommandContext { Source = ExpirySource, CausationId = stored?.StoredEventId, CorrelationId = stored?.StoredCorrelationId };
        try
        {
            await Execute(context, [key, expiresAt], memory =>
            {
                var entry = ActiveEntry(memory, key, "expire");
                if (entry.ExpiresAt != expiresAt) throw Refuse("expire", $"key '{key}' was stored again since; it is now due at {entry.ExpiresAt:O}");
                return new MemoryExpired(entry.MemoryId, Id, key, Now, expiresAt);
            });
        }
        catch (InvalidTransitionException refused)
        {
            logger.LogDebug("Memory namespace {Namespace}: key {Key} no longer expires at {ExpiresAt:O}: {Reason}", Id, key, expiresAt, refused.Message);
        }
    }

    /// <summary>Active keys due at or before <paramref name="now"/>, earliest first.</summary>
    private static List<(string Key, DateTimeOffset ExpiresAt)> DueKeys(MemoryNamespaceView memory, DateTimeOffset now) =>
        [.. memory.Entries.Values
            .Where(e => e.IsActive && e.ExpiresAt <= now)
            .OrderBy(e => e.ExpiresAt)
            .Select(e => (e.Key, e.ExpiresAt!.Value))];

    /// <summary>The earliest due time of an active key, or null.</summary>
    private static DateTimeOffset? EarliestDue(MemoryNamespaceView memory) =>
        memory.Entries.Values.Where(e => e.IsActive && e.ExpiresAt is not null).Min(e => e.ExpiresAt);

    /// <summary>Makes sure the reminder fires no later than <paramref name="dueAt"/>; refuses the command (nothing written) if it cannot.</summary>
    private async Task ArmBy(DateTimeOffset dueAt)
    {
        if (_armed is { Known: true, DueAt: { } armed } && armed <= dueAt) return;
        try
        {
            await Register(dueAt);
        }
        catch (Exception ex) when (ex is not EventStoreException)
        {
            throw new JournalUnavailableException($"Could not register the expiry reminder of memory namespace '{Id}' ({ex.GetType().Name}: {ex.Message}); nothing was written.");
        }
    }

    /// <summary>
    /// Points the reminder at the earliest due key of the confirmed state, or removes it when none is due. Namespaces that
    /// never had a key with a time to live skip this, unless the reminder <paramref name="ticked"/> (it may have been armed
    /// for a store that was then refused). Unless <paramref name="mustSucceed"/>, a failure is
    /// logged and left to the reminder as it stands (it fires, finds what is due, and re-arms).
    /// </summary>
    private async Task Rearm(bool mustSucceed, bool ticked = false)
    {
        if (!ticked && !State.Entries.Values.Any(e => e.ExpiresAt is not null)) return;
        var earliest = EarliestDue(State);
        if (_armed.Known && _armed.DueAt == earliest) return;
        try
        {
            if (earliest is { } dueAt) await Register(dueAt);
            else
            {
                if (await this.GetReminder(ExpiryReminder) is { } reminder) await this.UnregisterReminder(reminder);
                _armed = (true, null);
            }
        }
        catch (Exception ex) when (!mustSucceed)
        {
            _armed = default;
            logger.LogWarning(ex, "Memory namespace {Namespace}: could not move its expiry reminder to {DueAt:O}; the reminder in place will", Id, earliest);
        }
    }

    private async Task Register(DateTimeOffset dueAt)
    {
        var dueIn = dueAt - Now;
        await this.RegisterOrUpdateReminder(ExpiryReminder, dueIn > TimeSpan.Zero ? dueIn : TimeSpan.Zero, _expiry.RetryPeriod);
        _armed = (true, dueAt);
    }

    private (string Key, string MemoryType, long Size, string? MemoryId) ValidateStore(string key, string memoryType, long size, string? memoryId)
    {
        Guard.Id(key, nameof(key), MaxIdLength);
        var validType = Guard.Id(memoryType, nameof(memoryType), MaxIdLength);
        Guard.InRange(size, nameof(size), 0, long.MaxValue);
        return (key, validType, size, Guard.OptionalId(memoryId, nameof(memoryId), MaxIdLength));
    }

    private MemoryEntry ActiveEntry(MemoryNamespaceView memory, string key, string command)
    {
        Guard.Id(key, nameof(key), MaxIdLength);
        if (!memory.Entries.TryGetValue(key, out var entry)) throw Refuse(command, $"key '{key}' was never stored");
        if (entry.DeletedAt is not null) throw Refuse(command, $"key '{key}' was deleted");
        if (entry.ExpiredAt is not null) throw Refuse(command, $"key '{key}' has expired");
        return entry;
    }
}
