using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Aggregates.AggregateTestKit;

namespace EventStore.Tests.Aggregates;

public abstract class MemoryNamespaceLifecycleTests(JournalCluster cluster)
{
    [Fact]
    public async Task Keys_stored_read_overwritten_deleted_and_expired_fold_into_the_namespace_and_rebuild_the_same()
    {
        var ns = Ids.New("memory");
        var memory = cluster.Client.GetGrain<IMemoryNamespaceGrain>(ns);
        var t0 = NowMs();
        var receipts = new List<EventReceipt>();

        receipts.Add(await memory.Store("k1", "embedding", 100));
        var stored = (await memory.GetState()).Entries["k1"];
        Assert.Equal(($"{ns}/k1", "k1", "embedding", 100L, 0), (stored.MemoryId, stored.Key, stored.MemoryType, stored.Size, stored.AccessCount));
        Assert.True(stored.IsActive);
        Assert.Null(stored.LastAccessedAt);
        AssertWithin(stored.StoredAt, t0, DateTimeOffset.UtcNow, nameof(stored.StoredAt));

        receipts.Add(await memory.Retrieve("k1"));
        var readOnce = (await memory.GetState()).Entries["k1"];
        Assert.Equal(1, readOnce.AccessCount);
        AssertWithin(readOnce.LastAccessedAt, stored.StoredAt, DateTimeOffset.UtcNow, nameof(readOnce.LastAccessedAt));

        receipts.Add(await memory.Retrieve("k1"));
        var readTwice = (await memory.GetState()).Entries["k1"];
        Assert.Equal(2, readTwice.AccessCount);
        Assert.True(readTwice.LastAccessedAt > readOnce.LastAccessedAt, "LastAccessedAt moves with each read");

        // Overwrite: same key, same memory id, new type and size; reads count again from zero.
        receipts.Add(await memory.Store("k1", "document", 250));
        var overwritten = await memory.GetState();
        var entry = overwritten.Entries["k1"];
        Assert.Equal(($"{ns}/k1", "document", 250L, 0), (entry.MemoryId, entry.MemoryType, entry.Size, entry.AccessCount));
        Assert.True(entry.StoredAt > stored.StoredAt, "StoredAt moves to the overwrite");
        Assert.Equal(250, overwritten.ActiveSize);

        receipts.Add(await memory.Retrieve("k1"));
        Assert.Equal(1, (await memory.GetState()).Entries["k1"].AccessCount);

        receipts.Add(await memory.Store("k2", "fact", 50, memoryId: "custom-memory-id"));
        Assert.Equal(300, (await memory.GetState()).ActiveSize);

        receipts.Add(await memory.Delete("k1"));
        var expiresAt = NowMs().AddMinutes(-1);
        receipts.Add(await memory.Expire("k2", expiresAt));
        var t1 = DateTimeOffset.UtcNow;

        var state = await memory.GetState();
        var rows = AssertStream(cluster, ns, AggregateTypes.Memory, receipts,
            "memory:stored", "memory:retrieved", "memory:retrieved", "memory:stored", "memory:retrieved",
            "memory:stored", "memory:deleted", "memory:expired");
        AssertViewAtLastRow(state, rows);
        Assert.All(rows, r => Assert.Equal("coordinator", r.Source));

        Assert.Equal(ns, state.Namespace);
        Assert.Equal(new[] { "k1", "k2" }, state.Entries.Keys.Order());
        Assert.Equal(0, state.ActiveSize);
        var k1 = state.Entries["k1"];
        Assert.False(k1.IsActive);
        AssertWithin(k1.DeletedAt, t0, t1, nameof(k1.DeletedAt));
        Assert.Null(k1.ExpiredAt);
        var k2 = state.Entries["k2"];
        Assert.Equal(("custom-memory-id", "fact", 50L, false), (k2.MemoryId, k2.MemoryType, k2.Size, k2.IsActive));
        AssertWithin(k2.ExpiredAt, t0, t1, nameof(k2.ExpiredAt));
        Assert.Null(k2.DeletedAt);

        // Payloads: accessCount counts reads since the last store; ids, namespace and key ride along.
        Assert.Equal(new[] { 1, 2, 1 }, rows.Where(r => r.Type == "memory:retrieved").Select(r => Payload(r).GetProperty("accessCount").GetInt32()));
        var first = Payload(rows[0]);
        Assert.Equal(($"{ns}/k1", ns, "k1", "embedding", 100L),
            (first.GetProperty("memoryId").GetString(), first.GetProperty("namespace").GetString(), first.GetProperty("key").GetString(),
             first.GetProperty("memoryType").GetString(), first.GetProperty("size").GetInt64()));
        Assert.Equal($"{ns}/k1", Payload(rows[6]).GetProperty("memoryId").GetString());
        var expired = Payload(rows[7]);
        Assert.Equal(("custom-memory-id", "k2"), (expired.GetProperty("memoryId").GetString(), expired.GetProperty("key").GetString()));
        Assert.Equal(expiresAt, expired.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.Equal(k2.ExpiredAt, expired.GetProperty("expiredAt").GetDateTimeOffset());

        var rebuilt = await AssertSurvivesDeactivation(cluster, memory, memory.GetState);
        Assert.Equal(2, rebuilt.Entries.Count);

        // The rebuilt namespace still knows which keys are gone.
        Assert.Contains("deleted", (await Assert.ThrowsAsync<InvalidTransitionException>(() => memory.Retrieve("k1"))).Message);
        Assert.Contains("expired", (await Assert.ThrowsAsync<InvalidTransitionException>(() => memory.Retrieve("k2"))).Message);
        Assert.Equal(8, cluster.Journal.Count(ns));
    }

    [Fact]
    public async Task A_deleted_key_stored_again_is_active_with_its_old_id_and_a_fresh_access_count()
    {
        var ns = Ids.New("memory");
        var memory = cluster.Client.GetGrain<IMemoryNamespaceGrain>(ns);
        var receipts = new List<EventReceipt>
        {
            await memory.Store("notes", "text", 10, memoryId: "notes-v1"),
            await memory.Retrieve("notes"),
            await memory.Delete("notes"),
            await memory.Store("notes", "text", 20),
            await memory.Retrieve("notes"),
        };

        var rows = AssertStream(cluster, ns, AggregateTypes.Memory, receipts,
            "memory:stored", "memory:retrieved", "memory:deleted", "memory:stored", "memory:retrieved");
        Assert.Equal("notes-v1", Payload(rows[3]).GetProperty("memoryId").GetString());
        Assert.Equal(1, Payload(rows[4]).GetProperty("accessCount").GetInt32());

        var state = await AssertSurvivesDeactivation(cluster, memory, memory.GetState);
        AssertViewAtLastRow(state, rows);
        var entry = Assert.Single(state.Entries).Value;
        Assert.Equal(("notes-v1", 20L, 1, true), (entry.MemoryId, entry.Size, entry.AccessCount, entry.IsActive));
        Assert.Null(entry.DeletedAt);
        Assert.Equal(20, state.ActiveSize);
    }

    [Fact]
    public async Task Keys_of_different_namespaces_are_independent()
    {
        var nsA = Ids.New("memory");
        var nsB = Ids.New("memory");
        var a = cluster.Client.GetGrain<IMemoryNamespaceGrain>(nsA);
        var b = cluster.Client.GetGrain<IMemoryNamespaceGrain>(nsB);

        await a.Store("shared-key", "text", 1);
        await b.Store("shared-key", "text", 2);
        await a.Delete("shared-key");
        await b.Retrieve("shared-key");

        var stateA = await AssertSurvivesDeactivation(cluster, a, a.GetState);
        var stateB = await AssertSurvivesDeactivation(cluster, b, b.GetState);
        Assert.False(stateA.Entries["shared-key"].IsActive);
        Assert.Equal((true, 1, $"{nsB}/shared-key"), (stateB.Entries["shared-key"].IsActive, stateB.Entries["shared-key"].AccessCount, stateB.Entries["shared-key"].MemoryId));
        Assert.Equal((2L, 2L), (cluster.Journal.Count(nsA), cluster.Journal.Count(nsB)));
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class MemoryNamespaceLifecycleTests_Sqlite(JournalCluster cluster) : MemoryNamespaceLifecycleTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class MemoryNamespaceLifecycleTests_Postgres(PostgresJournalCluster cluster) : MemoryNamespaceLifecycleTests(cluster);
