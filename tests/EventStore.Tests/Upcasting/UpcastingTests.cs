using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Store;
using EventStore.Subscriptions;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Upcasting;

/// <summary>
/// Rows written in an old shape (by plain SQL, as an older silo wrote them) are read in the current shape by every
/// reader: an aggregate's state, a projection, and the store's reads; the rows themselves are never rewritten, and
/// new rows store their type's current version.
/// </summary>
public abstract class UpcastingTests(JournalCluster cluster)
{
    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    [Fact]
    public async Task An_aggregate_folds_rows_of_every_older_version_in_the_current_shape_and_appends_at_the_current_version()
    {
        var id = Ids.New("note");
        var v1 = OldRows.Insert(cluster.Journal, id, "note", 1, "test:upcast-task", $$"""{"taskId":"{{id}}","note":"written at v1"}""");
        var v2 = OldRows.Insert(cluster.Journal, id, "note", 2, "test:upcast-task", $$"""{"taskId":"{{id}}","text":"written at v2"}""", schemaVersion: 2);
        var grain = cluster.Client.GetGrain<INoteGrain>(id);

        await grain.Raise(new UpcastTaskNoted(id, "written now", 7));

        var applied = await grain.GetApplied();
        Assert.Equal([new UpcastTaskNoted(id, "written at v1", 3), new UpcastTaskNoted(id, "written at v2", 3), new UpcastTaskNoted(id, "written now", 7)],
            applied.Select(e => e.Payload));
        Assert.All(applied, e => Assert.Equal("test:upcast-task", e.Type));
        var rows = cluster.Journal.Rows(id);
        Assert.Equal([$$"""{"taskId":"{{id}}","note":"written at v1"}""", $$"""{"taskId":"{{id}}","text":"written at v2"}"""], rows.Take(2).Select(r => r.Payload));
        Assert.Equal([1L, 2L, 3L], rows.Select(r => OldRows.SchemaVersion(cluster.Journal, r.Id)!.Value));
        Assert.Equal([v1, v2], rows.Take(2).Select(r => r.Position));
    }

    [Fact]
    public async Task The_store_reads_old_rows_in_the_current_shape_through_every_read()
    {
        var id = Ids.New("note");
        var old = OldRows.Insert(cluster.Journal, id, "note", 1, "test:upcast-task", $$"""{"taskId":"{{id}}","note":"old"}""");
        var expected = new UpcastTaskNoted(id, "old", UpcastTaskNotedV2.DefaultPriority);

        Assert.Equal(expected, Assert.Single(await Store.GetEvents(id)).Payload);
        Assert.Equal(expected, Assert.Single((await Store.ReadAll(old, limit: 1)).Events).Payload);
        Assert.Equal(expected, Assert.Single(await Store.Query(new EventFilter { AggregateIds = [id] })).Payload);
        Assert.Contains((await Store.GetEventsByType("test:upcast-task", old, limit: 10)).Events, e => e.Payload.Equals(expected));
        await foreach (var e in Store.Replay(old, pageSize: 1))
        {
            Assert.Equal(expected, e.Payload);
            break;
        }
    }

    [Fact]
    public async Task A_renamed_type_is_read_under_its_new_name_and_found_by_either_name()
    {
        var id = Ids.New("note");
        var old = OldRows.Insert(cluster.Journal, id, "note", 1, "test:upcast-memo", """{"body":"from the old name"}""");
        await Store.Append(id, "note", [new NewEvent(new UpcastNoteWritten("from the new name", "ada"))], expectedVersion: 1);

        var events = await Store.GetEvents(id);

        Assert.Equal([new UpcastNoteWritten("from the old name", "unknown"), new UpcastNoteWritten("from the new name", "ada")], events.Select(e => e.Payload));
        Assert.All(events, e => Assert.Equal("test:upcast-note-written", e.Type));
        Assert.Equal(["test:upcast-memo", "test:upcast-note-written"], cluster.Journal.Rows(id).Select(r => r.Type)); // stored names stay
        foreach (var name in new[] { "test:upcast-note-written", "test:upcast-memo" })
        {
            Assert.Equal(events.Select(e => e.Id), (await Store.GetEventsByType(name, old)).Events.Where(e => e.AggregateId == id).Select(e => e.Id));
            Assert.Equal(events.Select(e => e.Id), (await Store.Query(new EventFilter { AggregateIds = [id], EventTypes = [name] })).Select(e => e.Id));
        }
    }

    [Fact]
    public async Task A_subscription_delivers_old_rows_in_the_current_shape_and_finds_a_renamed_type_by_its_new_name()
    {
        var id = Ids.New("note");
        var old = OldRows.Insert(cluster.Journal, id, "note", 1, "test:upcast-memo", """{"body":"from the old name"}""");
        await Store.Append(id, "note", [new NewEvent(new UpcastNoteWritten("from the new name", "ada"))], expectedVersion: 1);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var request = SubscriptionRequest.After(old - 1) with { EventTypes = ["test:upcast-note-written"] };

        var received = new List<EventEnvelope>();
        await foreach (var e in cluster.Client.SubscribeToEvents(request, timeout.Token))
        {
            if (e.AggregateId == id) received.Add(e);
            if (received.Count == 2) break;
        }

        Assert.Equal([new UpcastNoteWritten("from the old name", "unknown"), new UpcastNoteWritten("from the new name", "ada")], received.Select(e => e.Payload));
        Assert.All(received, e => Assert.Equal("test:upcast-note-written", e.Type));
    }

    [Fact]
    public async Task A_retried_append_is_recognised_when_its_stored_row_is_of_an_older_version()
    {
        var id = Ids.New("note");
        var eventId = Ids.New("event");
        const string oldJson = """{"body":"sent twice"}""";
        // The first try, by a silo before the rename: its row, with the fingerprint that silo stored.
        var position = OldRows.Insert(cluster.Journal, id, "note", 1, "test:upcast-memo", oldJson, eventId: eventId,
            request: EventRequest.OfPayload("test:upcast-memo", oldJson));

        var retry = await Store.Append(id, "note", [new NewEvent(new UpcastNoteWritten("sent twice", "unknown")) { Id = eventId }], expectedVersion: 0);

        Assert.True(retry.WasRetry);
        Assert.Equal((eventId, 1L, position), (retry.Events[0].EventId, retry.Events[0].Version, retry.Events[0].Position));
        await Assert.ThrowsAsync<DuplicateEventIdException>(() =>
            Store.Append(id, "note", [new NewEvent(new UpcastNoteWritten("other content", "unknown")) { Id = eventId }], expectedVersion: 0));
        Assert.Equal(1, cluster.Journal.Count(id));
    }

    [Fact]
    public async Task A_built_in_projection_folds_an_event_stored_under_a_former_name_and_shape()
    {
        var ns = Ids.New("ns");
        var memoryId = Ids.New("mem");
        OldRows.Insert(cluster.Journal, ns, AggregateTypes.Memory, 1, "test:legacy-memory-stored",
            $$"""{"memoryId":"{{memoryId}}","namespace":"{{ns}}","key":"k","kind":"embedding","bytes":4096,"storedAt":"2026-11-27T10:00:00+00:00"}""");
        var memory = cluster.Client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key);

        await memory.CatchUp();

        var record = await memory.GetMemory(ns, memoryId);
        Assert.NotNull(record);
        Assert.Equal(("k", "embedding", 4096L), (record.Key, record.MemoryType, record.Size));
    }

    [Fact]
    public async Task A_row_whose_upcasting_fails_is_unreadable_and_names_its_position_type_and_version()
    {
        var id = Ids.New("note");
        var position = OldRows.Insert(cluster.Journal, id, "note", 1, "test:upcast-task", $$"""{"taskId":"{{id}}"}"""); // no "note"

        var unreadable = Assert.IsType<UnreadableEvent>(Assert.Single(await Store.GetEvents(id)).Payload);
        var error = await Assert.ThrowsAsync<UnreadableEventException>(() => cluster.Client.GetGrain<INoteGrain>(id).GetVersion());

        Assert.False(unreadable.IsUnknownType);
        Assert.Equal("test:upcast-task", unreadable.Type);
        Assert.Contains("version 1 of 'test:upcast-task'", unreadable.Problem);
        Assert.Contains("no 'note'", unreadable.Problem);
        Assert.Equal((position, "test:upcast-task"), (error.Position, error.EventType));
        Assert.Contains("version 1 of 'test:upcast-task'", error.Message);
    }

    [Fact]
    public async Task A_row_of_a_newer_version_than_the_silo_knows_is_unreadable_like_an_unknown_type()
    {
        var id = Ids.New("note");
        OldRows.Insert(cluster.Journal, id, "note", 1, "test:upcast-task", $$"""{"taskId":"{{id}}","text":"t","priority":1,"due":"soon"}""", schemaVersion: 4);

        var unreadable = Assert.IsType<UnreadableEvent>(Assert.Single(await Store.GetEvents(id)).Payload);

        Assert.True(unreadable.IsUnknownType);
        Assert.Contains("version 4 of 'test:upcast-task', newer than this silo's version 3", unreadable.Problem);
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class UpcastingTests_Sqlite(JournalCluster cluster) : UpcastingTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class UpcastingTests_Postgres(PostgresJournalCluster cluster) : UpcastingTests(cluster);
