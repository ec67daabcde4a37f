using EventStore.Aggregates;
using EventStore.Projections;
using EventStore.Testing;
using Orleans.TestingHost;

namespace EventStore.Samples.Tests;

/// <summary>
/// How an application tests its own code against the event store: a one-silo test cluster on a temporary journal, a
/// command, then a query of a projection. Each test stands up its own cluster.
/// </summary>
public sealed class MemoryNamespaceSampleTests
{
    [Fact]
    public async Task A_stored_key_is_in_the_memory_index_of_an_in_process_test_cluster()
    {
        using var journal = new EventStoreTestJournal();
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.ConfigureSilo((_, silo) => silo.AddEventStoreForTests(journal));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();

        await StoreAndFindAsync(cluster.Client);

        await cluster.StopAllSilosAsync();
    }

    [Fact]
    public async Task A_stored_key_is_in_the_memory_index_of_a_test_cluster()
    {
        using var journal = new EventStoreTestJournal();
        await using var cluster = new TestClusterBuilder(initialSilosCount: 1).AddEventStore(journal).Build();
        await cluster.DeployAsync();

        await StoreAndFindAsync(cluster.Client);

        await cluster.StopAllSilosAsync();
    }

    private static async Task StoreAndFindAsync(IClusterClient client)
    {
        var receipt = await client.GetGrain<IMemoryNamespaceGrain>("notes").Store("greeting", "text", size: 5, memoryId: "m-1");
        Assert.Equal("memory:stored", receipt.EventType);

        var index = client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key);
        await index.CatchUp(); // everything the journal holds now is in the read model
        var memory = await index.GetMemory("notes", "m-1");

        Assert.NotNull(memory);
        Assert.Equal("greeting", memory.Key);
        Assert.Equal(5, memory.Size);
        Assert.True(memory.IsActive);
    }
}
