using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Aggregates.AggregateTestKit;

namespace EventStore.Tests.Aggregates;

public abstract class SwarmLifecycleTests(JournalCluster cluster)
{
    [Fact]
    public async Task A_swarm_scaled_through_phases_and_milestones_then_terminated_folds_every_step_and_rebuilds_the_same()
    {
        var id = Ids.New("swarm");
        var swarm = cluster.Client.GetGrain<ISwarmGrain>(id);
        var t0 = NowMs();
        var receipts = new List<EventReceipt>();

        receipts.Add(await swarm.Initialize("hierarchical-mesh", 10, new Dictionary<string, string> { ["strategy"] = "balanced", ["region"] = "eu" }));
        var initialized = await swarm.GetState();
        Assert.Equal(("hierarchical-mesh", 10, 0, ""), (initialized.Topology, initialized.MaxAgents, initialized.AgentCount, initialized.Phase));
        Assert.False(initialized.IsTerminated);

        receipts.Add(await swarm.Scale(4, "initial load"));
        Assert.Equal(4, (await swarm.GetState()).AgentCount);
        receipts.Add(await swarm.ChangePhase("planning"));
        receipts.Add(await swarm.ChangePhase("execution"));
        Assert.Equal("execution", (await swarm.GetState()).Phase);
        receipts.Add(await swarm.ReachMilestone("m1", "design approved"));
        receipts.Add(await swarm.ReachMilestone("m2", "tests green"));
        receipts.Add(await swarm.RecordError("agent crashed", "at Swarm.Tick()", new Dictionary<string, string> { ["agent"] = "agent-3" }));
        var erred = await swarm.GetState();
        Assert.Equal((1, "agent crashed"), (erred.ErrorCount, erred.LastError));
        receipts.Add(await swarm.Scale(10, "peak"));   // up to the maximum
        receipts.Add(await swarm.Scale(0, "drain"));   // and down to none
        receipts.Add(await swarm.Terminate("finished", new Dictionary<string, double> { ["tasksCompleted"] = 12, ["successRate"] = 0.95 }));
        var t1 = DateTimeOffset.UtcNow;

        var state = await swarm.GetState();
        var rows = AssertStream(cluster, id, AggregateTypes.Swarm, receipts,
            "swarm:initialized", "swarm:scaled", "swarm:phase-changed", "swarm:phase-changed", "swarm:milestone-reached",
            "swarm:milestone-reached", "swarm:error", "swarm:scaled", "swarm:scaled", "swarm:terminated");
        AssertViewAtLastRow(state, rows);
        Assert.All(rows, r => Assert.Equal("swarm", r.Source));

        Assert.Equal(("hierarchical-mesh", 10, 0, "execution"), (state.Topology, state.MaxAgents, state.AgentCount, state.Phase));
        Assert.Equal(new Dictionary<string, string> { ["strategy"] = "balanced", ["region"] = "eu" }, state.Config);
        Assert.Equal(new Dictionary<string, string> { ["m1"] = "design approved", ["m2"] = "tests green" }, state.Milestones);
        Assert.Equal((1, "agent crashed"), (state.ErrorCount, state.LastError));
        Assert.Equal((true, "finished"), (state.IsTerminated, state.TerminationReason));
        Assert.Equal(new Dictionary<string, double> { ["tasksCompleted"] = 12, ["successRate"] = 0.95 }, state.FinalMetrics);
        AssertWithin(state.InitializedAt, t0, t1, nameof(state.InitializedAt));
        AssertWithin(state.TerminatedAt, state.InitializedAt!.Value, t1, nameof(state.TerminatedAt));

        var scaled = rows.Where(r => r.Type == "swarm:scaled").Select(Payload)
            .Select(p => (p.GetProperty("previousAgentCount").GetInt32(), p.GetProperty("newAgentCount").GetInt32(), p.GetProperty("reason").GetString()));
        Assert.Equal(new[] { (0, 4, (string?)"initial load"), (4, 10, "peak"), (10, 0, "drain") }, scaled);
        var phases = rows.Where(r => r.Type == "swarm:phase-changed").Select(Payload)
            .Select(p => (p.GetProperty("previousPhase").GetString(), p.GetProperty("newPhase").GetString()));
        Assert.Equal(new[] { ((string?)"", (string?)"planning"), ("planning", "execution") }, phases);
        var swarmError = Payload(rows[6]);
        Assert.Equal("agent-3", swarmError.GetProperty("context").GetProperty("agent").GetString());
        Assert.Equal("at Swarm.Tick()", swarmError.GetProperty("stack").GetString());
        var terminated = Payload(rows[9]);
        Assert.Equal(0.95, terminated.GetProperty("metrics").GetProperty("successRate").GetDouble());
        Assert.Equal(10, Payload(rows[0]).GetProperty("maxAgents").GetInt32());

        var rebuilt = await AssertSurvivesDeactivation(cluster, swarm, swarm.GetState);
        Assert.True(rebuilt.IsTerminated);

        // The rebuilt swarm refuses every command once terminated, and writes nothing.
        Assert.Contains("terminated", (await Assert.ThrowsAsync<InvalidTransitionException>(() => swarm.Scale(3, "again"))).Message);
        Assert.Contains("terminated", (await Assert.ThrowsAsync<InvalidTransitionException>(() => swarm.ChangePhase("review"))).Message);
        Assert.Contains("terminated", (await Assert.ThrowsAsync<InvalidTransitionException>(() => swarm.ReachMilestone("m3", "late"))).Message);
        Assert.Contains("terminated", (await Assert.ThrowsAsync<InvalidTransitionException>(() => swarm.RecordError("late", null, new Dictionary<string, string>()))).Message);
        Assert.Contains("terminated", (await Assert.ThrowsAsync<InvalidTransitionException>(() => swarm.Terminate("twice", new Dictionary<string, double>()))).Message);
        Assert.Equal(10, cluster.Journal.Count(id));
    }

    [Fact]
    public async Task Many_swarms_live_side_by_side_each_with_its_own_versions()
    {
        var first = Ids.New("swarm");
        var second = Ids.New("swarm");
        var a = cluster.Client.GetGrain<ISwarmGrain>(first);
        var b = cluster.Client.GetGrain<ISwarmGrain>(second);

        var receiptsA = new List<EventReceipt> { await a.Initialize("mesh", 3, new Dictionary<string, string>()) };
        var receiptsB = new List<EventReceipt> { await b.Initialize("star", 5, new Dictionary<string, string>()) };
        receiptsA.Add(await a.Scale(3, "full"));
        receiptsB.Add(await b.ChangePhase("setup"));
        receiptsB.Add(await b.Scale(1, "start small"));

        AssertStream(cluster, first, AggregateTypes.Swarm, receiptsA, "swarm:initialized", "swarm:scaled");
        AssertStream(cluster, second, AggregateTypes.Swarm, receiptsB, "swarm:initialized", "swarm:phase-changed", "swarm:scaled");
        Assert.True(receiptsB[0].Position > receiptsA[0].Position && receiptsA[1].Position > receiptsB[0].Position, "positions follow commit order across swarms");

        var stateA = await AssertSurvivesDeactivation(cluster, a, a.GetState);
        var stateB = await AssertSurvivesDeactivation(cluster, b, b.GetState);
        Assert.Equal(("mesh", 3, 3, ""), (stateA.Topology, stateA.MaxAgents, stateA.AgentCount, stateA.Phase));
        Assert.Equal(("star", 5, 1, "setup"), (stateB.Topology, stateB.MaxAgents, stateB.AgentCount, stateB.Phase));
        Assert.Empty(stateA.Config);
        Assert.Empty(stateA.FinalMetrics);
        Assert.Null(stateA.TerminatedAt);
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class SwarmLifecycleTests_Sqlite(JournalCluster cluster) : SwarmLifecycleTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class SwarmLifecycleTests_Postgres(PostgresJournalCluster cluster) : SwarmLifecycleTests(cluster);
