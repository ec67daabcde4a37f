using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Projections;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Xunit.Abstractions;
using static EventStore.Tests.Reliability.ReliabilityKit;

namespace EventStore.Tests.Reliability;

public sealed class ScratchProbe(ITestOutputHelper output)
{
    [Fact]
    public async Task Probe()
    {
        var path = ReliabilityCluster.NewDatabasePath();
        await using var cluster = await ReliabilityCluster.StartAsync(path);
        var client = cluster.Client;
        var id = Ids.New("swarm");
        try { output.WriteLine("append: " + await client.GetEventStore().Append(id, "swarm", [new NewEvent(new SwarmInitialized("mesh", 3, null!, DateTimeOffset.UtcNow))])); } catch (Exception ex) { output.WriteLine("append error: " + ex.GetType().Name + ": " + ex.Message); }
        output.WriteLine("rows: " + string.Join(" | ", cluster.Journal.Rows(id).Select(r => r.Payload)));
        try { output.WriteLine("read: " + (await client.GetEventStore().GetEvents(id)).FirstOrDefault()?.Payload); } catch (Exception ex) { output.WriteLine("read error: " + ex.GetType().Name + ": " + ex.Message); }
        try { output.WriteLine("state: " + Json(await client.GetGrain<ISwarmGrain>(id).GetState())); } catch (Exception ex) { output.WriteLine("state error: " + ex.GetType().Name + ": " + ex.Message); }
        var id2 = Ids.New("agent");
        try { output.WriteLine("append2: " + await client.GetEventStore().Append(id2, "agent", [new NewEvent(new AgentSpawned(id2, null!, AgentDomain.Core, ["a"]))])); } catch (Exception ex) { output.WriteLine("append2 error: " + ex.GetType().Name + ": " + ex.Message); }
        try { output.WriteLine("state2: " + Json(await client.GetGrain<IAgentGrain>(id2).GetState())); } catch (Exception ex) { output.WriteLine("state2 error: " + ex.GetType().Name + ": " + ex.Message); }
        var agents = client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
        try { output.WriteLine("projection: " + await agents.CatchUp()); } catch (Exception ex) { output.WriteLine("projection error: " + ex.GetType().Name + ": " + ex.Message); }
    }
}
