using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Journal;

/// <summary>Automatic snapshots: every 100 events (the default), and activation from snapshot + tail.</summary>
public abstract class SnapshotTests(JournalCluster cluster)
{
    [Fact]
    public async Task An_aggregate_saves_a_snapshot_every_100_events_and_activates_from_it_to_exactly_the_state_of_a_full_replay()
    {
        var (agent, id) = await AgentWithEvents(250);

        var snapshot = cluster.Journal.GrainSnapshot(id);
        Assert.Equal(("agent", 200L), (snapshot?.AggregateType, snapshot?.Version));
        Assert.Null(await cluster.Client.GetEventStore().GetSnapshot(id)); // the grain's own, not the store's

        await cluster.DeactivateAsync(agent);
        var fromSnapshot = await agent.GetState();
        Assert.Equal(Json(await FullReplay(id)), Json(fromSnapshot));
        Assert.Equal(250, fromSnapshot.Version);

        var next = await agent.ChangeStatus(fromSnapshot.Status == AgentStatus.Blocked ? AgentStatus.Active : AgentStatus.Blocked);
        Assert.Equal(251, next.Version);
        JournalAssert.IsConsistent(cluster.Journal.Rows(id), [next]);
    }

    [Fact]
    public async Task Activation_starts_from_the_snapshot_and_applies_only_the_events_after_it()
    {
        var (first, firstId) = await AgentWithEvents(120);
        var (_, secondId) = await AgentWithEvents(120);
        // Give the first agent the second one's snapshot: if activation reads it, the view says so.
        Assert.Equal(1, cluster.Journal.OverwriteSnapshot(firstId, cluster.Journal.GrainSnapshot(secondId)!.Value.State));

        await cluster.DeactivateAsync(first);

        var state = await first.GetState();
        Assert.Equal((secondId, 120L), (state.AgentId, state.Version));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"Shape":"AgentView#0000000000000000","Data":"AAAA"}""")]
    [InlineData("""{"Shape":null,"Data":null}""")]
    public async Task A_snapshot_that_cannot_be_used_is_ignored_and_the_state_rebuilt_from_events(string badState)
    {
        var (agent, id) = await AgentWithEvents(120);
        var before = Json(await agent.GetState());
        Assert.Equal(1, cluster.Journal.OverwriteSnapshot(id, badState));

        await cluster.DeactivateAsync(agent);

        Assert.Equal(before, Json(await agent.GetState()));
        Assert.Equal(Json(await FullReplay(id)), before);
    }

    [Fact]
    public async Task A_snapshot_claiming_a_version_the_stream_does_not_have_is_ignored()
    {
        var (agent, id) = await AgentWithEvents(120);
        var before = Json(await agent.GetState());
        var good = cluster.Journal.GrainSnapshot(id)!.Value;
        Assert.Equal(1, cluster.Journal.OverwriteSnapshot(id, good.State, version: 500));

        await cluster.DeactivateAsync(agent);

        Assert.Equal(before, Json(await agent.GetState()));
        Assert.Equal(121, (await agent.ChangeStatus(AgentStatus.Error)).Version);
    }

    [Fact]
    public async Task A_plain_journaled_grain_with_a_polymorphic_view_also_activates_from_its_snapshot()
    {
        var id = Ids.New("note");
        var grain = cluster.Client.GetGrain<INoteGrain>(id);
        for (var i = 0; i < 130; i++) await grain.Raise(new NoteAdded($"n{i}"));
        Assert.Equal(100, cluster.Journal.GrainSnapshot(id)?.Version);

        await cluster.DeactivateAsync(grain);

        var applied = await grain.GetApplied();
        Assert.Equal(Enumerable.Range(0, 130).Select(i => $"n{i}"), applied.Select(e => ((NoteAdded)e.Payload).Text));
        Assert.Equal(cluster.Journal.Rows(id).Select(r => r.Position), applied.Select(e => e.Position));
    }

    /// <summary>An agent spawned, then toggled between two statuses: <paramref name="events"/> events in all.</summary>
    private async Task<(IAgentGrain Agent, string Id)> AgentWithEvents(int events)
    {
        var id = Ids.New("agent");
        var agent = cluster.Client.GetGrain<IAgentGrain>(id);
        await agent.Spawn("worker", AgentDomain.Performance, ["load"]);
        for (var i = 1; i < events; i++) await agent.ChangeStatus(i % 2 == 1 ? AgentStatus.Blocked : AgentStatus.Idle);
        return (agent, id);
    }

    /// <summary>The agent's state folded on the client from every event the store returns.</summary>
    private async Task<AgentView> FullReplay(string id)
    {
        var view = new AgentView();
        foreach (var envelope in await cluster.Client.GetEventStore().GetEvents(id)) view.Apply(envelope);
        return view;
    }

    private static string Json(AgentView view) => JsonSerializer.Serialize(view);
}

[Collection(SharedClusterCollection.Name)]
public sealed class SnapshotTests_Sqlite(JournalCluster cluster) : SnapshotTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class SnapshotTests_Postgres(PostgresJournalCluster cluster) : SnapshotTests(cluster);
