using EventStore.Events;

namespace EventStore.Projections;

/// <summary>
/// The MemoryIndex read model: one record per memory entry, keyed by namespace and memory id (memory ids are
/// chosen by clients and need only be unique within their namespace, so no namespace can reach another one's
/// records), indexed by namespace, state and access count; the memory id each key of a namespace holds now; and
/// the active bytes of each namespace.
/// </summary>
public sealed class MemoryIndexProjection : Projection
{
    /// <summary>Entries by <see cref="KeyOf"/>(namespace, memory id).</summary>
    public static RecordTable<MemoryRecord> Memories { get; } = new RecordTable<MemoryRecord>("memories")
        .WithText("namespace", m => m.Namespace)
        .WithInteger("active", m => m.IsActive ? 1 : 0)
        .WithInteger("deleted", m => m.DeletedAt is null ? 0 : 1)
        .WithInteger("expired", m => m.ExpiredAt is null ? 0 : 1)
        .WithInteger("access_count", m => m.AccessCount);

    /// <summary>The memory id each key holds, by <see cref="KeyOf"/>(namespace, key).</summary>
    internal static RecordTable<MemoryKeyRecord> Keys { get; } = new("keys");

    /// <summary>Active bytes by namespace.</summary>
    internal static RecordTable<NamespaceSize> Sizes { get; } = new("namespace_sizes");

    /// <inheritdoc />
    public override string Name => "memory_index";

    /// <inheritdoc />
    public override IReadOnlyList<string> AggregateTypes { get; } = [Events.AggregateTypes.Memory];

    /// <inheritdoc />
    public override IReadOnlyList<RecordTable> Tables { get; } = [Memories, Keys, Sizes];

    /// <summary>2: records keyed by the stream they came from (memories by namespace and memory id), not by ids in payloads.</summary>
    public override int ShapeVersion => 2;

    /// <summary>
    /// One key for a namespace and a name in it (a key or a memory id): the namespace (with U+0001 written as U+0001 U+0002),
    /// U+0001 U+0001, then the name. No two pairs share a key, and keys sort by namespace, then name.
    /// </summary>
    public static string KeyOf(string @namespace, string name) => $"{@namespace.Replace("\u0001", "\u0001\u0002", StringComparison.Ordinal)}\u0001\u0001{name}";

    /// <inheritdoc />
    public override IEnumerable<RecordKey> KeysOf(EventEnvelope envelope)
    {
        var @namespace = envelope.AggregateId;
        yield return new RecordKey(Sizes, @namespace);
        switch (envelope.Payload)
        {
            case MemoryStored e:
                yield return new RecordKey(Keys, KeyOf(@namespace, e.Key));
                yield return new RecordKey(Memories, KeyOf(@namespace, e.MemoryId));
                break;
            case MemoryRetrieved e: yield return new RecordKey(Memories, KeyOf(@namespace, e.MemoryId)); break;
            case MemoryDeleted e: yield return new RecordKey(Memories, KeyOf(@namespace, e.MemoryId)); break;
            case MemoryExpired e: yield return new RecordKey(Memories, KeyOf(@namespace, e.MemoryId)); break;
        }
    }

    /// <inheritdoc />
    public override async ValueTask ApplyAsync(EventEnvelope envelope, RecordSession records)
    {
        var @namespace = envelope.AggregateId;
        switch (envelope.Payload)
        {
            case MemoryStored e:
                // A key stored again under a new memory id replaces the memory it held before.
                var key = KeyOf(@namespace, e.Key);
                if (await records.GetAsync(Keys, key) is { } held && held.MemoryId != e.MemoryId
                    && await records.GetAsync(Memories, KeyOf(@namespace, held.MemoryId)) is { } replaced)
                    await Replace(records, replaced, null);
                records.Put(Keys, key, new MemoryKeyRecord(e.MemoryId));
                await Replace(records, await records.GetAsync(Memories, KeyOf(@namespace, e.MemoryId)),
                    new MemoryRecord { MemoryId = e.MemoryId, Namespace = @namespace, Key = e.Key, MemoryType = e.MemoryType, Size = e.Size, StoredAt = e.StoredAt });
                break;
            case MemoryRetrieved e when await records.GetAsync(Memories, KeyOf(@namespace, e.MemoryId)) is { } memory:
                await Replace(records, memory, memory with { AccessCount = e.AccessCount, LastAccessedAt = e.RetrievedAt });
                break;
            case MemoryDeleted e when await records.GetAsync(Memories, KeyOf(@namespace, e.MemoryId)) is { } memory:
                await Replace(records, memory, memory with { DeletedAt = e.DeletedAt });
                break;
            case MemoryExpired e when await records.GetAsync(Memories, KeyOf(@namespace, e.MemoryId)) is { } memory:
                await Replace(records, memory, memory with { ExpiredAt = e.ExpiredAt });
                break;
        }
    }

    /// <summary>Replaces an entry (null: removes it) and moves its namespace's active bytes with it.</summary>
    private static async ValueTask Replace(RecordSession records, MemoryRecord? before, MemoryRecord? after)
    {
        var entry = (after ?? before)!;
        var key = KeyOf(entry.Namespace, entry.MemoryId);
        if (after is null) records.Delete(Memories, key);
        else records.Put(Memories, key, after);
        var change = ActiveBytes(after) - ActiveBytes(before);
        if (change == 0) return;
        var size = await records.GetAsync(Sizes, entry.Namespace) ?? new NamespaceSize(entry.Namespace, 0);
        records.Put(Sizes, entry.Namespace, size with { ActiveBytes = size.ActiveBytes + change });
    }

    private static long ActiveBytes(MemoryRecord? memory) => memory is { IsActive: true } ? memory.Size : 0;
}

/// <summary>The memory id a key of a namespace holds now.</summary>
internal sealed record MemoryKeyRecord(string MemoryId);

/// <summary>The bytes of a namespace's active entries.</summary>
internal sealed record NamespaceSize(string Namespace, long ActiveBytes);
