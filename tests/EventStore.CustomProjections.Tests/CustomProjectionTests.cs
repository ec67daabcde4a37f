using EventStore.CustomProjections.Tests.Infrastructure;
using EventStore.CustomProjections.Tests.WorkSummary;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Projections;
using Orleans.Streams;

namespace EventStore.CustomProjections.Tests;

/// <summary>
/// A projection defined outside src/Grains, registered with <c>AddProjection&lt;T&gt;()</c>, has the guarantees of the
/// built-in ones on both backends: it folds several aggregate types into what the journal says, saves its checkpoint
/// with its records, applies each position once however often it is delivered, catches up on what was written while
/// no silo ran it, shows its lag, and rebuilds into identical records. Tests of a collection run one after another on
/// its one cluster, so each compares the whole read model with the fold of the whole journal.
/// </summary>
public abstract class CustomProjectionTests(CustomProjectionCluster cluster)
{
    private IWorkSummaryProjection Summaries => cluster.Client.GetGrain<IWorkSummaryProjection>(IWorkSummaryProjection.Key);

    [Fact]
    public async Task Folds_agent_and_task_events_into_what_the_journal_says()
    {
        var agents = await Scenario.RunAsync(cluster.Client);
        var status = await Summaries.CatchUp();

        Assert.Equal((status.HeadPosition, 0L), (status.Checkpoint, status.LagEvents));
        await AssertMatchesJournal();
        var first = (await Summaries.GetSummary(agents[0]))!;
        Assert.Equal(("coder", 2L), (first.Role, first.TasksStarted));
        var busiest = await Summaries.GetBusiest(2);
        Assert.Equal(2, busiest.Count);
        Assert.True(busiest[0].TasksCompleted >= busiest[1].TasksCompleted);
    }

    [Fact]
    public async Task Keeps_its_checkpoint_with_its_records_across_a_restart()
    {
        await Scenario.RunAsync(cluster.Client);
        var before = await Summaries.CatchUp();
        var records = await ReadAll();

        await cluster.RestartAsync();

        var after = await Summaries.GetStatus();
        Assert.Equal((before.Checkpoint, 0L), (after.Checkpoint, after.LagEvents));
        Assert.Equal(Canon(records), Canon(await ReadAll()));
        // New events after the restart are added to the saved counts once: nothing before the checkpoint is applied again.
        await Scenario.RunAsync(cluster.Client);
        await Summaries.CatchUp();
        await AssertMatchesJournal();
    }

    [Fact]
    public async Task Catches_up_on_events_written_while_no_silo_ran_it_showing_its_lag_until_then()
    {
        await Summaries.CatchUp();
        await cluster.RestartAsync(withOwnProjections: false);
        await Scenario.RunAsync(cluster.Client, agents: 4);
        await cluster.RestartAsync();

        // Its first answer comes after 4 pages of 2 events: far from the 60 written meanwhile.
        var behind = await Summaries.GetStatus();
        Assert.True(behind.LagEvents > 0 && behind.Checkpoint < behind.HeadPosition, $"not behind: {behind}");
        var caughtUp = await Summaries.CatchUp();
        Assert.Equal((caughtUp.HeadPosition, 0L, 0L), (caughtUp.Checkpoint, caughtUp.LagEvents, caughtUp.LagMilliseconds));
        await AssertMatchesJournal();
    }

    [Fact]
    public async Task Applies_each_position_once_however_often_it_is_delivered()
    {
        await Scenario.RunAsync(cluster.Client);
        await Summaries.CatchUp();
        var before = Canon(await ReadAll());
        var events = await JournalFold.EventsAsync(cluster.Client);

        // The whole journal again on the projection's stream: each commit alone, then in pages, then one batch overlapping the checkpoint.
        var replay = cluster.Client.GetGrain<IBatchReplayGrain>(Guid.NewGuid().ToString());
        foreach (var e in events.TakeLast(10)) await replay.Publish(new WorkSummaryProjection().Name, new CommittedBatch(e.Position, e.Position, [e]));
        foreach (var page in events.Chunk(50)) await replay.Publish(new WorkSummaryProjection().Name, new CommittedBatch(page[0].Position, page[^1].Position, page));
        // A new commit's message comes after the duplicates on the stream: once it is applied, they were too.
        var agents = await Scenario.RunAsync(cluster.Client, agents: 1);
        var head = (await JournalFold.EventsAsync(cluster.Client))[^1].Position;
        await Until(async () => (await Summaries.GetStatus()).Checkpoint >= head, "the new commits are applied");

        var after = await ReadAll();
        Assert.Equal(before, Canon(after.Where(s => !agents.Contains(s.AgentId))));
        await AssertMatchesJournal();
    }

    [Fact]
    public async Task Takes_events_from_the_stream_and_from_the_journal_catch_up_once()
    {
        var agents = await Scenario.SpawnAsync(cluster.Client, 3);
        var applied = (await Summaries.CatchUp()).Checkpoint;
        await cluster.RestartAsync(withOwnProjections: false);
        await Scenario.TasksAsync(cluster.Client, agents); // task events only: applying any of them twice changes a count
        var unapplied = (await JournalFold.EventsAsync(cluster.Client)).Where(e => e.Position > applied).ToArray();
        await cluster.RestartAsync();

        // This message wakes the projector: on activation it reads 4 pages of 2 events from the journal, then applies the
        // message, whose first 8 events it has just applied from the journal (as if the silo that wrote them published them late).
        var name = new WorkSummaryProjection().Name;
        await cluster.Client.GetGrain<IBatchReplayGrain>(Guid.NewGuid().ToString())
            .Publish(name, new CommittedBatch(unapplied[0].Position, unapplied[^1].Position, unapplied));
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        await Until(async () => (await management.GetActiveGrains(GrainType.Create("projector"))).Any(id => id.Key.ToString() == name), "the message woke the projector");
        await Summaries.CatchUp();

        await AssertMatchesJournal();
    }

    [Fact]
    public async Task Rebuild_gives_identical_records()
    {
        await Scenario.RunAsync(cluster.Client);
        await Summaries.CatchUp();
        var before = Canon(await ReadAll());

        var started = await Summaries.Rebuild();
        Assert.True(started.IsRebuilding);
        var done = await Summaries.CatchUp();

        Assert.False(done.IsRebuilding);
        Assert.Equal(before, Canon(await ReadAll()));
        await AssertMatchesJournal();
    }

    [Fact]
    public async Task Projections_whose_names_made_one_table_name_keep_their_own_tables()
    {
        // "clash" with table "x_1_t" and "clash_1_x" with table "t" were both rm_clash_1_x_1_t in generation 1.
        await Scenario.RunAsync(cluster.Client);
        var agentCounts = cluster.Client.GetGrain<IAgentCounts>("all");
        var taskCounts = cluster.Client.GetGrain<ITaskCounts>("all");
        await agentCounts.CatchUp();
        await taskCounts.CatchUp();

        var events = await JournalFold.EventsAsync(cluster.Client);
        Assert.Equal(Sorted(JournalFold.Counts(events, AggregateTypes.Agent)), Sorted(await agentCounts.GetAll()));
        Assert.Equal(Sorted(JournalFold.Counts(events, AggregateTypes.Task)), Sorted(await taskCounts.GetAll()));
    }

    private async Task AssertMatchesJournal()
    {
        var expected = JournalFold.WorkSummaries(await JournalFold.EventsAsync(cluster.Client)).Values;
        Assert.Equal(Canon(expected), Canon(await ReadAll()));
    }

    private async Task<IReadOnlyList<AgentWorkSummary>> ReadAll()
    {
        var all = new List<AgentWorkSummary>();
        for (string? after = null; ;)
        {
            var page = await Summaries.GetAll(after, 100);
            all.AddRange(page.Items);
            if ((after = page.Next) is null) return all;
        }
    }

    private static List<string> Canon(IEnumerable<AgentWorkSummary> summaries) => [.. summaries.OrderBy(s => s.AgentId, StringComparer.Ordinal).Select(s => s.ToString())];

    private static List<KeyValuePair<string, long>> Sorted(IReadOnlyDictionary<string, long> counts) => [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal)];

    private static async Task Until(Func<Task<bool>> done, string what)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); !await done();)
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Still not true after 10 s: {what}");
            await Task.Delay(25);
        }
    }
}

[Collection(SqliteCollection.Name)]
public sealed class CustomProjectionTests_Sqlite(CustomProjectionCluster cluster) : CustomProjectionTests(cluster);

[Collection(PostgresCollection.Name)]
public sealed class CustomProjectionTests_Postgres(PostgresCustomProjectionCluster cluster) : CustomProjectionTests(cluster);

/// <summary>Publishes a batch on a projection's stream from inside the silo, as the journal's publisher does: lets a test deliver commits again.</summary>
public interface IBatchReplayGrain : IGrainWithStringKey
{
    /// <summary>Publishes <paramref name="batch"/> on the stream of the projection named <paramref name="projection"/>.</summary>
    Task Publish(string projection, CommittedBatch batch);
}

/// <summary>The grain behind <see cref="IBatchReplayGrain"/>: the stream provider and namespace are the projections' defaults.</summary>
public sealed class BatchReplayGrain : Grain, IBatchReplayGrain
{
    /// <inheritdoc />
    public Task Publish(string projection, CommittedBatch batch) =>
        this.GetStreamProvider(new ProjectionOptions().StreamProvider).GetStream<CommittedBatch>(StreamId.Create("event-journal", projection)).OnNextAsync(batch);
}
