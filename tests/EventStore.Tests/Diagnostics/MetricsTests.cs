using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Store;
using EventStore.Subscriptions;
using EventStore.Tests.Infrastructure;
using EventStore.Tests.Projections;
using static EventStore.Diagnostics.EventStoreDiagnostics;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Diagnostics;

/// <summary>Each instrument of the event store's meter moves when the thing it counts happens, on the silo that did it.</summary>
public abstract class MetricsTests(DiagnosticsCluster cluster)
{
    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Fact]
    public async Task A_committed_append_counts_as_committed_and_records_its_duration()
    {
        using var meter = new MeterRecorder(cluster.Metrics.Meter);

        await Store.Append(Ids.New("m"), Kind(), Notes(2));

        Assert.Equal(1, meter.Sum(Appends, "outcome", "committed"));
        Assert.True(Assert.Single(meter.Values(AppendDuration, "outcome", "committed")) > 0);
    }

    [Fact]
    public async Task A_stale_expected_version_counts_as_a_conflict()
    {
        var id = Ids.New("m");
        var kind = Kind();
        await Store.Append(id, kind, Notes(1));
        using var meter = new MeterRecorder(cluster.Metrics.Meter);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Append(id, kind, Notes(1), expectedVersion: 0));

        Assert.Equal(1, meter.Sum(Appends, "outcome", "conflict"));
        Assert.Equal(0, meter.Sum(Appends, "outcome", "committed"));
    }

    [Fact]
    public async Task A_retried_append_or_command_counts_as_a_duplicate()
    {
        var id = Ids.New("m");
        var kind = Kind();
        var agent = cluster.Client.GetGrain<IAgentGrain>(Ids.New("agent"));
        var context = new CommandContext { EventId = Ids.New("spawn") };
        using var meter = new MeterRecorder(cluster.Metrics.Meter);

        var eventId = Ids.New("evt");
        await Store.Append(id, kind, [Note(id: eventId)]);
        var first = await agent.Spawn("coder", AgentDomain.Core, ["csharp"], context);
        Assert.True((await Store.Append(id, kind, [Note(id: eventId)])).WasRetry);
        Assert.Equal(first, await agent.Spawn("coder", AgentDomain.Core, ["csharp"], context));

        Assert.Equal(2, meter.Sum(Appends, "outcome", "committed"));
        Assert.Equal(2, meter.Sum(Appends, "outcome", "duplicate"));
    }

    [Fact]
    public async Task Bad_input_and_an_impossible_command_count_as_refused()
    {
        using var meter = new MeterRecorder(cluster.Metrics.Meter);

        await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Append(" ", Kind(), Notes(1)));
        await Assert.ThrowsAsync<InvalidTransitionException>(() => cluster.Client.GetGrain<IAgentGrain>(Ids.New("agent")).Start());

        Assert.Equal(2, meter.Sum(Appends, "outcome", "refused"));
        Assert.Equal(2, meter.Values(AppendDuration).Count);
    }

    [Fact]
    public async Task An_append_the_full_queue_refuses_counts_as_unavailable()
    {
        var journal = cluster.EventJournal;
        using var meter = new MeterRecorder(cluster.Metrics.Meter);
        Task held;
        using (await journal.PauseWriterAsync())
        {
            held = journal.AppendAsync(NotesFor(journal, Ids.New("held"), DiagnosticsCluster.MaxQueuedEvents - 10));

            await Assert.ThrowsAsync<JournalUnavailableException>(() => Store.Append(Ids.New("m"), Kind(), Notes(20)));
        }
        await held;

        Assert.Equal(1, meter.Sum(Appends, "outcome", "unavailable"));
    }

    [Fact]
    public async Task The_queue_gauges_show_what_waits_for_a_paused_writer()
    {
        var journal = cluster.EventJournal;
        using var meter = new MeterRecorder(cluster.Metrics.Meter);
        Assert.Equal(0, meter.ObserveOne(WriterQueueEvents));
        Assert.Equal(0, meter.ObserveOne(WriterQueueBytes));
        Task held;
        using (await journal.PauseWriterAsync())
        {
            held = journal.AppendAsync(NotesFor(journal, Ids.New("held"), 7));

            Assert.Equal(7, meter.ObserveOne(WriterQueueEvents));
            Assert.True(meter.ObserveOne(WriterQueueBytes) > 0);
        }
        await held;

        Assert.Equal(0, meter.ObserveOne(WriterQueueEvents));
        Assert.Equal(0, meter.ObserveOne(WriterQueueBytes));
    }

    [Fact]
    public async Task Each_commit_records_the_events_it_held()
    {
        using var meter = new MeterRecorder(cluster.Metrics.Meter);

        await Store.Append(Ids.New("m"), Kind(), Notes(3));

        var commits = meter.Values(CommitEvents);
        Assert.Contains(commits, events => events >= 3);
        Assert.Equal(3, commits.Sum());
    }

    [Fact]
    public async Task A_stored_snapshot_is_counted_under_its_owner()
    {
        var id = Ids.New("m");
        var kind = Kind();
        await Store.Append(id, kind, Notes(1));
        using var meter = new MeterRecorder(cluster.Metrics.Meter);

        await Store.SaveSnapshot(new Snapshot(id, kind, 1, """{"n":1}""", 0));

        Assert.Equal(1, meter.Sum(Snapshots, "owner", "store"));
    }

    [Fact]
    public async Task The_lag_gauges_show_what_a_projection_has_not_applied_until_it_catches_up()
    {
        var agents = cluster.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
        const string name = "agent_state";
        var agentId = Ids.New("agent");
        await cluster.Client.GetGrain<IAgentGrain>(agentId).Spawn("coder", AgentDomain.Core, []);
        await agents.CatchUp();
        using var meter = new MeterRecorder(cluster.Metrics.Meter);
        Assert.Equal(0, meter.Observe(ProjectionLagEvents, "projection")[name]);
        Assert.Equal(0, meter.Observe(ProjectionLagMilliseconds, "projection")[name]);

        // A damaged row written outside the silo: the projection stops before it until it is repaired.
        cluster.Journal.InsertOutside(agentId, "agent", 2, "agent:started", "{broken");
        var damaged = cluster.Journal.Rows(agentId).Max(r => r.Position);
        Assert.NotNull((await agents.CatchUp()).Problem);

        Assert.Equal(1, meter.Observe(ProjectionLagEvents, "projection")[name]);
        await Eventually.Until(() => Task.FromResult(meter.Observe(ProjectionLagMilliseconds, "projection")[name]), ms => ms > 0,
            "the lag in milliseconds grows while the projection waits");

        Assert.Equal(1, cluster.Journal.SetPayload(damaged, $$"""{"agentId":"{{agentId}}","startedAt":"2026-11-27T00:00:00+00:00"}"""));
        Assert.Null((await agents.CatchUp()).Problem);
        Assert.Equal(0, meter.Observe(ProjectionLagEvents, "projection")[name]);
        Assert.Equal(0, meter.Observe(ProjectionLagMilliseconds, "projection")[name]);
    }

    [Fact]
    public async Task The_subscriptions_gauge_counts_an_open_subscription_until_it_closes()
    {
        var kind = Kind();
        await Store.Append(Ids.New("m"), kind, Notes(1));
        using var meter = new MeterRecorder(cluster.Metrics.Meter);
        var before = meter.ObserveOne(EventStore.Diagnostics.EventStoreDiagnostics.Subscriptions);
        using var guard = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await using (var events = cluster.Client.SubscribeToEvents(SubscriptionRequest.FromStart() with { AggregateTypes = [kind] }, guard.Token)
                         .GetAsyncEnumerator(guard.Token))
        {
            Assert.True(await events.MoveNextAsync());
            Assert.Equal(before + 1, meter.ObserveOne(EventStore.Diagnostics.EventStoreDiagnostics.Subscriptions));
        }

        await Eventually.Until(() => Task.FromResult(meter.ObserveOne(EventStore.Diagnostics.EventStoreDiagnostics.Subscriptions)), count => count == before, "the closed subscription is no longer counted");
    }

    private static StreamAppend NotesFor(EventJournal journal, string id, int count) =>
        new(id, "note", 0, Enumerable.Range(1, count).Select(i => journal.Prepare(id, "note", new NoteAdded($"held {i}"), "test")).ToList());
}

/// <summary><see cref="MetricsTests"/> on SQLite.</summary>
[Collection(DiagnosticsCollection.Name)]
public sealed class MetricsTests_Sqlite(DiagnosticsCluster cluster) : MetricsTests(cluster);

/// <summary><see cref="MetricsTests"/> on PostgreSQL.</summary>
[Collection(PostgresDiagnosticsCollection.Name)]
public sealed class MetricsTests_Postgres(PostgresDiagnosticsCluster cluster) : MetricsTests(cluster);
