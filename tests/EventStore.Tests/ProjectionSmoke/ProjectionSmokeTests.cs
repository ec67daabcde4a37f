using EventStore.Aggregates;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.ProjectionSmoke;

[Collection(SharedClusterCollection.Name)]
public sealed class ProjectionSmokeTests(JournalCluster cluster)
{
    [Fact]
    public async Task A_spawned_agent_reaches_the_agent_state_projection_through_the_stream()
    {
        var id = Ids.New("agent");
        await cluster.Client.GetGrain<IAgentGrain>(id).Spawn("coder", AgentDomain.Core, []);
        var projection = cluster.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);

        AgentRecord? record = null;
        for (var i = 0; i < 100 && record is null; i++)
        {
            record = await projection.GetAgent(id);
            if (record is null) await Task.Delay(50);
        }
        Assert.NotNull(record);
        var status = await projection.CatchUp();
        Assert.Equal(status.HeadPosition, status.Checkpoint);
    }
}
