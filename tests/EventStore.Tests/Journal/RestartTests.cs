using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Journal;

/// <summary>A cluster of its own, since these tests stop and restart it.</summary>
public sealed class RestartCluster : JournalCluster;

[CollectionDefinition(Name)]
public sealed class RestartCollection : ICollectionFixture<RestartCluster>
{
    public const string Name = "restart";
}

[Collection(RestartCollection.Name)]
public sealed class RestartTests(RestartCluster cluster)
{
    [Fact]
    public async Task A_full_cluster_restart_on_the_same_file_keeps_every_event_and_every_state()
    {
        var (agentId, taskId, swarmId, memoryId) = (Ids.New("agent"), Ids.New("task"), Ids.New("swarm"), Ids.New("memory"));
        var client = cluster.Client;
        await client.GetGrain<IAgentGrain>(agentId).Spawn("tester", AgentDomain.Quality, ["xunit"]);
        await client.GetGrain<IAgentGrain>(agentId).Start();
        await client.GetGrain<IAgentGrain>(agentId).AssignTask(taskId);
        await client.GetGrain<ITaskGrain>(taskId).Create("test", "Write tests", "all of them", TaskPriority.High, []);
        await client.GetGrain<ITaskGrain>(taskId).Start(agentId);
        await client.GetGrain<ISwarmGrain>(swarmId).Initialize("star", 4, new Dictionary<string, string> { ["k"] = "v" });
        await client.GetGrain<ISwarmGrain>(swarmId).Scale(3, "warm-up");
        await client.GetGrain<IMemoryNamespaceGrain>(memoryId).Store("plan", "document", 512);
        await client.GetGrain<IMemoryNamespaceGrain>(memoryId).Retrieve("plan");
        var before = await Snapshot(agentId, taskId, swarmId, memoryId);
        var rowsBefore = cluster.Journal.Rows();

        await cluster.RestartAsync();

        Assert.Equal(rowsBefore, cluster.Journal.Rows());
        Assert.Equal(before, await Snapshot(agentId, taskId, swarmId, memoryId));
        var next = await cluster.Client.GetGrain<ITaskGrain>(taskId).Complete("green");
        Assert.Equal(3, next.Version);
        Assert.True(next.Position > rowsBefore.Max(r => r.Position));
        JournalAssert.IsConsistent(cluster.Journal.Rows(), [next]);
    }

    private async Task<string> Snapshot(string agentId, string taskId, string swarmId, string memoryId)
    {
        var client = cluster.Client;
        object[] views =
        [
            await client.GetGrain<IAgentGrain>(agentId).GetState(),
            await client.GetGrain<ITaskGrain>(taskId).GetState(),
            await client.GetGrain<ISwarmGrain>(swarmId).GetState(),
            await client.GetGrain<IMemoryNamespaceGrain>(memoryId).GetState(),
        ];
        return JsonSerializer.Serialize(views);
    }
}
