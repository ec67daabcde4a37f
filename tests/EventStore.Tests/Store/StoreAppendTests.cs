using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>Appending through the event store: versions, expected versions, idempotent retries, and appends beside a live grain.</summary>
public abstract class StoreAppendTests(JournalCluster cluster)
{
    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Fact]
    public async Task A_single_append_writes_one_row_at_version_1_with_everything_the_caller_gave()
    {
        var (id, kind, eventId) = (Ids.New("ledger"), Kind(), Ids.New("event"));
        var metadata = new Dictionary<string, string> { ["origin"] = "store-test", ["région"] = "eu-🌍" };
        var newEvent = new NewEvent(new NoteAdded("first")) { Id = eventId, Source = "tester", Timestamp = 1_700_000_000_123, Metadata = metadata, CausationId = "cause-9", CorrelationId = "corr-9" };
        var before = cluster.Journal.Count();

        var result = await Store.Append(id, kind, [newEvent]);

        Assert.Equal(before + 1, cluster.Journal.Count());
        var row = Assert.Single(cluster.Journal.Rows(id));
        Assert.Equal((eventId, NoteType, id, kind, 1L, 1_700_000_000_123L, "tester", "cause-9", "corr-9"),
            (row.Id, row.Type, row.AggregateId, row.AggregateType, row.Version, row.Timestamp, row.Source, row.CausationId, row.CorrelationId));
        using (var payload = JsonDocument.Parse(row.Payload)) Assert.Equal("first", payload.RootElement.GetProperty("text").GetString());
        Assert.Equal((id, false, 1L), (result.AggregateId, result.WasRetry, result.Version));
        Assert.Equal(new EventReceipt(eventId, NoteType, id, 1, row.Position), Assert.Single(result.Events));

        var read = Assert.Single(await Store.GetEvents(id));
        Assert.Equal((eventId, NoteType, id, kind, 1L, row.Position, 1_700_000_000_123L, "tester", "cause-9", "corr-9"),
            (read.Id, read.Type, read.AggregateId, read.AggregateType, read.Version, read.Position, read.Timestamp, read.Source, read.CausationId, read.CorrelationId));
        Assert.Equal(new NoteAdded("first"), read.Payload);
        Assert.Equal(metadata.OrderBy(kv => kv.Key), read.Metadata!.OrderBy(kv => kv.Key));
    }

    [Fact]
    public async Task An_append_without_envelope_fields_gets_a_generated_id_the_default_source_and_the_current_time()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        var from = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var result = await Store.Append(id, kind, [new NewEvent(new NoteAdded("plain")), new NewEvent(new NoteAdded("plain"))]);

        var to = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var rows = cluster.Journal.Rows(id);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r =>
        {
            Assert.True(Guid.TryParse(r.Id, out _), $"'{r.Id}' is not a generated id");
            Assert.Equal("event-store", r.Source);
            Assert.InRange(r.Timestamp, from, to);
            Assert.Null(r.Metadata);
            Assert.Null(r.CausationId);
            Assert.Null(r.CorrelationId);
        });
        Assert.NotEqual(rows[0].Id, rows[1].Id);
        Assert.Equal(rows.Select(r => r.Id), result.Events.Select(e => e.EventId));
    }

    [Fact]
    public async Task Versions_continue_from_the_aggregate_head_one_by_one_across_appends()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());

        var first = await Store.Append(id, kind, Notes(3));
        var second = await Store.Append(id, kind, Notes(2));
        var third = await Store.Append(id, kind, [Note()]);

        Assert.Equal(new[] { 1L, 2L, 3L }, first.Events.Select(e => e.Version));
        Assert.Equal(new[] { 4L, 5L }, second.Events.Select(e => e.Version));
        Assert.Equal(new[] { 6L }, third.Events.Select(e => e.Version));
        Assert.Equal((3L, 5L, 6L), (first.Version, second.Version, third.Version));
        var rows = cluster.Journal.Rows(id);
        JournalAssert.IsConsistent(rows, first.Events.Concat(second.Events).Concat(third.Events));
        Assert.Equal(rows.Select(r => (r.Id, r.Version, r.Position)),
            first.Events.Concat(second.Events).Concat(third.Events).Select(e => (e.EventId, e.Version, e.Position)));
    }

    [Fact]
    public async Task Each_aggregate_counts_its_own_versions_when_appends_interleave()
    {
        var kind = Kind();
        var (a, b) = (Ids.New("ledger-a"), Ids.New("ledger-b"));

        var a1 = await Store.Append(a, kind, [Note()]);
        var b1 = await Store.Append(b, kind, Notes(2));
        var a2 = await Store.Append(a, kind, Notes(2));
        var b2 = await Store.Append(b, kind, [Note()]);

        Assert.Equal((1L, 2L, 3L, 3L), (a1.Version, b1.Version, a2.Version, b2.Version));
        Assert.Equal(new[] { 1L, 2L, 3L }, cluster.Journal.Rows(a).Select(r => r.Version));
        Assert.Equal(new[] { 1L, 2L, 3L }, cluster.Journal.Rows(b).Select(r => r.Version));
        JournalAssert.IsConsistent(cluster.RowsOf(a, b), new[] { a1, b1, a2, b2 }.SelectMany(r => r.Events));
    }

    [Fact]
    public async Task An_append_with_a_stale_expected_version_names_both_versions_and_writes_nothing()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(2));
        var (total, own) = (cluster.Journal.Count(), cluster.Journal.Count(id));

        var stale = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Append(id, kind, [Note("late")], expectedVersion: 1));
        var ahead = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Append(id, kind, Notes(3), expectedVersion: 5));

        Assert.Equal((id, 1L, 2L), (stale.AggregateId, stale.ExpectedVersion, stale.ActualVersion));
        Assert.Contains($"'{id}'", stale.Message);
        Assert.Contains("expected version 1", stale.Message);
        Assert.Contains("at version 2", stale.Message);
        Assert.Equal((5L, 2L), (ahead.ExpectedVersion, ahead.ActualVersion));
        Assert.Contains("expected version 5", ahead.Message);
        Assert.Contains("at version 2", ahead.Message);
        Assert.Equal((total, own), (cluster.Journal.Count(), cluster.Journal.Count(id)));

        var current = await Store.Append(id, kind, [Note("on time")], expectedVersion: 2);
        Assert.Equal(3, current.Version);
        Assert.Equal(new[] { 1L, 2L, 3L }, cluster.Journal.Rows(id).Select(r => r.Version));
    }

    [Fact]
    public async Task Expected_version_0_creates_a_new_aggregate_and_conflicts_on_an_existing_one()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());

        var created = await Store.Append(id, kind, Notes(2), expectedVersion: 0);
        Assert.Equal(new[] { 1L, 2L }, created.Events.Select(e => e.Version));
        var (total, own) = (cluster.Journal.Count(), cluster.Journal.Count(id));

        var error = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.Append(id, kind, [Note("again")], expectedVersion: 0));

        Assert.Equal((id, 0L, 2L), (error.AggregateId, error.ExpectedVersion, error.ActualVersion));
        Assert.Contains("expected version 0", error.Message);
        Assert.Contains("at version 2", error.Message);
        Assert.Equal((total, own), (cluster.Journal.Count(), cluster.Journal.Count(id)));
    }

    [Fact]
    public async Task Appending_the_same_event_ids_and_payloads_again_returns_the_original_receipts_and_writes_them_once()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        var (e1, e2) = (Ids.New("event"), Ids.New("event"));
        List<NewEvent> Batch() => [Note("a", 1_700_000_000_000, e1), Note("b", 1_700_000_000_001, e2)];

        var first = await Store.Append(id, kind, Batch(), expectedVersion: 0);
        var total = cluster.Journal.Count();
        var second = await Store.Append(id, kind, Batch());
        var withSameExpectedVersion = await Store.Append(id, kind, Batch(), expectedVersion: 0);

        Assert.False(first.WasRetry);
        Assert.True(second.WasRetry);
        Assert.True(withSameExpectedVersion.WasRetry);
        Assert.Equal(first.Events, second.Events);
        Assert.Equal(first.Events, withSameExpectedVersion.Events);
        Assert.Equal(2, second.Version);
        Assert.Equal(total, cluster.Journal.Count());
        var rows = cluster.Journal.Rows(id);
        Assert.Equal(new[] { e1, e2 }, rows.Select(r => r.Id));
        Assert.Equal(first.Events.Select(e => (e.EventId, e.Version, e.Position)), rows.Select(r => (r.Id, r.Version, r.Position)));

        var next = await Store.Append(id, kind, [Note("c")]);
        Assert.Equal(3, next.Version);
    }

    [Fact]
    public async Task Reusing_an_event_id_with_another_payload_is_refused_and_writes_nothing()
    {
        var (id, kind, eventId) = (Ids.New("ledger"), Kind(), Ids.New("event"));
        await Store.Append(id, kind, [Note("original", id: eventId)]);
        var (total, own) = (cluster.Journal.Count(), cluster.Journal.Count(id));
        var other = Ids.New("ledger");
        var fresh = Ids.New("event");

        var changed = await Assert.ThrowsAsync<DuplicateEventIdException>(() => Store.Append(id, kind, [Note("changed", id: eventId)]));
        var elsewhere = await Assert.ThrowsAsync<DuplicateEventIdException>(() => Store.Append(other, kind, [Note("original", id: eventId)]));
        var partly = await Assert.ThrowsAsync<DuplicateEventIdException>(() => Store.Append(id, kind, [Note("original", id: eventId), Note("new", id: fresh)]));

        Assert.All(new[] { changed, elsewhere, partly }, error =>
        {
            Assert.Equal(eventId, error.EventId);
            Assert.Contains($"'{eventId}'", error.Message);
        });
        Assert.Equal((total, own, 0L), (cluster.Journal.Count(), cluster.Journal.Count(id), cluster.Journal.Count(other)));
        var row = Assert.Single(cluster.Journal.Rows(id));
        Assert.Contains("original", row.Payload);
        Assert.DoesNotContain(cluster.Journal.Rows(id), r => r.Id == fresh);
    }

    [Fact]
    public async Task Every_event_type_appended_through_the_store_reads_back_with_its_type_name_and_payload()
    {
        var (id, kind) = (Ids.New("mixed"), Kind());
        var serializer = new EventPayloadSerializer(new EventTypeRegistry([typeof(NoteAdded).Assembly]));
        var payloads = SampleEvents.Naming(id).Append(new NoteAdded("app event")).ToList();

        var result = await Store.Append(id, kind, payloads.Select(p => new NewEvent(p)).ToList());

        var read = await Store.GetEvents(id);
        Assert.Equal(payloads.Count, read.Count);
        Assert.Equal(payloads.Select(serializer.TypeNameOf), read.Select(e => e.Type));
        Assert.Equal(payloads.Select(serializer.TypeNameOf), result.Events.Select(e => e.EventType));
        for (var i = 0; i < payloads.Count; i++)
        {
            Assert.IsType(payloads[i].GetType(), read[i].Payload);
            Assert.Equal(JsonSerializer.Serialize(payloads[i], payloads[i].GetType()), JsonSerializer.Serialize(read[i].Payload, read[i].Payload.GetType()));
        }
    }

    [Fact]
    public async Task An_append_to_an_active_agent_is_seen_by_its_grain_and_its_next_command_follows_without_a_gap()
    {
        var id = Ids.New("agent");
        var agent = cluster.Client.GetGrain<IAgentGrain>(id);
        await agent.Spawn("coder", AgentDomain.Core, ["csharp"]);
        Assert.Equal((AgentStatus.Idle, 1L), await StatusAndVersion(agent));

        var appended = await Store.Append(id, AggregateTypes.Agent, [new NewEvent(new AgentStatusChanged(id, AgentStatus.Idle, AgentStatus.Blocked))], expectedVersion: 1);

        Assert.Equal(2, appended.Version);
        var state = await agent.GetState();
        Assert.Equal((AgentStatus.Blocked, 2L, appended.Events[0].Position, appended.Events[0].EventId),
            (state.Status, state.Version, state.LastPosition, state.LastEventId));

        var next = await agent.ChangeStatus(AgentStatus.Active);

        Assert.Equal(3, next.Version);
        var rows = cluster.Journal.Rows(id);
        Assert.Equal(new[] { "agent:spawned", "agent:status-changed", "agent:status-changed" }, rows.Select(r => r.Type));
        JournalAssert.IsConsistent(rows, appended.Events.Append(next));
        Assert.Equal(next.Position, rows[^1].Position);
        Assert.Equal(new AgentStatusChanged(id, AgentStatus.Blocked, AgentStatus.Active), Assert.Single(await Store.GetEvents(id, 3)).Payload);
        Assert.Equal((AgentStatus.Active, 3L), await StatusAndVersion(agent));
    }

    [Fact]
    public async Task A_grain_command_right_after_an_outside_append_decides_on_the_caught_up_state()
    {
        var id = Ids.New("agent");
        var agent = cluster.Client.GetGrain<IAgentGrain>(id);
        await agent.Spawn("coder", AgentDomain.Core, []);
        await Store.Append(id, AggregateTypes.Agent, [new NewEvent(new AgentStatusChanged(id, AgentStatus.Idle, AgentStatus.Blocked))]);

        // No GetState in between: the grain still holds version 1 (Idle) when the command arrives.
        var next = await agent.ChangeStatus(AgentStatus.Active);

        Assert.Equal(3, next.Version);
        Assert.Equal(new[] { 1L, 2L, 3L }, cluster.Journal.Rows(id).Select(r => r.Version));
        Assert.Equal(new AgentStatusChanged(id, AgentStatus.Blocked, AgentStatus.Active), Assert.Single(await Store.GetEvents(id, 3)).Payload);
        await Assert.ThrowsAsync<InvalidTransitionException>(() => agent.ChangeStatus(AgentStatus.Active));
    }

    [Fact]
    public async Task An_event_type_that_does_not_belong_to_a_built_in_aggregate_type_is_refused()
    {
        var id = Ids.New("agent");
        var agent = cluster.Client.GetGrain<IAgentGrain>(id);
        await agent.Spawn("coder", AgentDomain.Core, []);
        var queued = new NewEvent(SampleEvents.All.OfType<TaskQueued>().Single());
        var statusChanged = new NewEvent(new AgentStatusChanged(id, AgentStatus.Idle, AgentStatus.Active));
        var total = cluster.Journal.Count();

        var alone = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Append(id, AggregateTypes.Agent, [queued]));
        var second = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Append(id, AggregateTypes.Agent, [statusChanged, queued]));
        var note = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Append(Ids.New("swarm"), AggregateTypes.Swarm, [Note()]));

        Assert.Equal("events[0]", alone.Argument);
        Assert.Contains("'task:queued'", alone.Message);
        Assert.Contains("agent", alone.Message);
        Assert.Equal("events[1]", second.Argument);
        Assert.Equal("events[0]", note.Argument);
        Assert.Contains($"'{NoteType}'", note.Message);
        Assert.Equal(total, cluster.Journal.Count());
        Assert.Equal((AgentStatus.Idle, 1L), await StatusAndVersion(agent));
    }

    private static async Task<(AgentStatus, long)> StatusAndVersion(IAgentGrain agent)
    {
        var state = await agent.GetState();
        return (state.Status, state.Version);
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class StoreAppendTests_Sqlite(JournalCluster cluster) : StoreAppendTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class StoreAppendTests_Postgres(PostgresJournalCluster cluster) : StoreAppendTests(cluster);
