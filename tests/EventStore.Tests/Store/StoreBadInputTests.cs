using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>
/// Every bad call on the event store is refused with the right error and a message naming the argument,
/// and writes nothing (no event, no snapshot). Each case arranges what it needs, then hands back the bad call.
/// </summary>
public abstract class StoreBadInputTests(JournalCluster cluster)
{
    /// <summary>One row of the table: the error, the argument its message (and <see cref="InvalidCommandException.Argument"/>) names, other message parts.</summary>
    public sealed record BadCase(Type Expected, string Names, string[] MessageParts, Func<IEventStoreGrain, Task<Func<Task>>> Arrange)
    {
        /// <summary>The message parts on PostgreSQL, where they differ (a backup is refused whatever the file name: the server's tools take it).</summary>
        public string[]? PostgresMessageParts { get; init; }
    }

    private static readonly string TooLong = new('x', 257);
    private static readonly DateTimeOffset At = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    private static readonly Dictionary<string, BadCase> Cases = new()
    {
        // ---- append: aggregate id and type -------------------------------------------------------------
        ["append_aggregate_id_null"] = Invalid("aggregateId", ["null"], s => s.Append(null!, Kind(), [Note()])),
        ["append_aggregate_id_empty"] = Invalid("aggregateId", ["empty"], s => s.Append("", Kind(), [Note()])),
        ["append_aggregate_id_white_space"] = Invalid("aggregateId", ["white space"], s => s.Append(" \t ", Kind(), [Note()])),
        ["append_aggregate_id_with_surrounding_white_space"] = Invalid("aggregateId", ["white space"], s => s.Append($" {Ids.New("ledger")}", Kind(), [Note()])),
        ["append_aggregate_id_over_256_chars"] = Invalid("aggregateId", ["257 characters", "limit of 256"], s => s.Append(TooLong, Kind(), [Note()])),
        ["append_aggregate_type_empty"] = Invalid("aggregateType", ["empty"], s => s.Append(Ids.New("ledger"), "", [Note()])),
        ["append_aggregate_type_white_space"] = Invalid("aggregateType", ["white space"], s => s.Append(Ids.New("ledger"), "   ", [Note()])),
        ["append_aggregate_type_over_256_chars"] = Invalid("aggregateType", ["257 characters", "limit of 256"], s => s.Append(Ids.New("ledger"), TooLong, [Note()])),
        ["append_to_the_id_of_another_aggregate_type"] = new(typeof(InvalidCommandException), "aggregateId", [], async s =>
        {
            var (id, kind) = (Ids.New("ledger"), Kind("first-kind"));
            await s.Append(id, kind, [Note()]);
            return () => s.Append(id, Kind("second-kind"), [Note()]);
        }),

        // ---- append: the events list ------------------------------------------------------------------
        ["append_events_null"] = Invalid("events", ["null"], s => s.Append(Ids.New("ledger"), Kind(), null!)),
        ["append_events_empty"] = Invalid("events", ["at least one"], s => s.Append(Ids.New("ledger"), Kind(), [])),
        ["append_1001_events"] = Invalid("events", ["1001 events", "limit of 1000"], s => s.Append(Ids.New("ledger"), Kind(), Notes(1001))),
        ["append_expected_version_negative"] = Invalid("expectedVersion", ["-1"], s => s.Append(Ids.New("ledger"), Kind(), [Note()], expectedVersion: -1)),
        ["append_an_event_null"] = Invalid("events[1]", ["null"], s => s.Append(Ids.New("ledger"), Kind(), [Note(), null!])),
        ["append_a_payload_null"] = Invalid("events[0].Payload", ["null"], s => s.Append(Ids.New("ledger"), Kind(), [new NewEvent(null!)])),
        ["append_event_id_white_space"] = Invalid("events[0].Id", ["white space"], s => s.Append(Ids.New("ledger"), Kind(), [Note(id: "  ")])),
        ["append_event_id_over_256_chars"] = Invalid("events[1].Id", ["limit of 256"], s => s.Append(Ids.New("ledger"), Kind(), [Note(), Note(id: TooLong)])),
        ["append_source_empty"] = Invalid("events[0].Source", ["empty"], s => s.Append(Ids.New("ledger"), Kind(), [Note() with { Source = "" }])),
        ["append_correlation_id_over_256_chars"] = Invalid("events[0].CorrelationId", ["limit of 256"], s => s.Append(Ids.New("ledger"), Kind(), [Note() with { CorrelationId = TooLong }])),
        ["append_causation_id_white_space"] = Invalid("events[0].CausationId", ["white space"], s => s.Append(Ids.New("ledger"), Kind(), [Note() with { CausationId = " " }])),
        ["append_metadata_key_empty"] = Invalid("events[0].Metadata key", ["empty"], s => s.Append(Ids.New("ledger"), Kind(), [Note() with { Metadata = new Dictionary<string, string> { [""] = "v" } }])),
        ["append_timestamp_negative"] = Invalid("events[0].Timestamp", ["-5"], s => s.Append(Ids.New("ledger"), Kind(), [Note(timestamp: -5)])),
        ["append_duplicate_ids_in_one_append"] = new(typeof(DuplicateEventIdException), "store-bad-input-dup", ["twice"],
            s => Now(() => s.Append(Ids.New("ledger"), Kind(), [Note("a", id: "store-bad-input-dup"), Note("b", id: "store-bad-input-dup")]))),
        ["append_payload_over_1_MiB"] = new(typeof(PayloadTooLargeException), NoteType, ["1,048,576"],
            s => Now(() => s.Append(Ids.New("ledger"), Kind(), [Note(new string('x', MiB))]))),
        ["append_payload_type_unregistered"] = new(typeof(UnknownEventTypeException), typeof(UnregisteredEvent).FullName!, [],
            s => Now(() => s.Append(Ids.New("ledger"), Kind(), [Note(), new NewEvent(new UnregisteredEvent("no [EventType]"))]))),
        ["append_a_task_event_to_an_agent"] = Invalid("events[0]", ["task:queued", "agent"],
            s => s.Append(Ids.New("agent"), AggregateTypes.Agent, [new NewEvent(new TaskQueued("task-1", TaskPriority.Low, At))])),

        // ---- reads ------------------------------------------------------------------------------------
        ["get_events_aggregate_id_empty"] = Invalid("aggregateId", ["empty"], s => s.GetEvents("")),
        ["get_events_aggregate_id_over_256_chars"] = Invalid("aggregateId", ["limit of 256"], s => s.GetEvents(TooLong)),
        ["get_events_from_version_negative"] = Invalid("fromVersion", ["-1"], s => s.GetEvents(Ids.New("ledger"), -1)),
        ["events_by_type_type_empty"] = Invalid("eventType", ["empty"], s => s.GetEventsByType(" ")),
        ["events_by_type_limit_negative"] = Invalid("limit", ["-1"], s => s.GetEventsByType(NoteType, 0, -1)),
        ["events_by_type_limit_over_10000"] = Invalid("limit", ["10001", "10000"], s => s.GetEventsByType(NoteType, 0, 10_001)),
        ["events_by_type_from_position_negative"] = Invalid("fromPosition", ["-1"], s => s.GetEventsByType(NoteType, -1)),
        ["read_all_limit_negative"] = Invalid("limit", ["-1"], s => s.ReadAll(0, -1)),
        ["read_all_limit_over_10000"] = Invalid("limit", ["10001", "10000"], s => s.ReadAll(0, 10_001)),
        ["read_all_from_position_negative"] = Invalid("fromPosition", ["-1"], s => s.ReadAll(-1)),

        // ---- query ------------------------------------------------------------------------------------
        ["query_filter_null"] = Invalid("filter", ["null"], s => s.Query(null!)),
        ["query_limit_negative"] = Invalid("Limit", ["-1"], s => s.Query(new EventFilter { AggregateIds = ["x"], Limit = -1 })),
        ["query_limit_over_10000"] = Invalid("Limit", ["10001", "10000"], s => s.Query(new EventFilter { AggregateIds = ["x"], Limit = 10_001 })),
        ["query_offset_negative"] = Invalid("Offset", ["-1"], s => s.Query(new EventFilter { AggregateIds = ["x"], Offset = -1 })),
        ["query_before_equal_to_after"] = Invalid("Before", ["After", "1000"], s => s.Query(new EventFilter { After = 1000, Before = 1000 })),
        ["query_before_earlier_than_after"] = Invalid("Before", ["999", "1000"], s => s.Query(new EventFilter { After = 1000, Before = 999 })),
        ["query_after_negative"] = Invalid("After", ["-1"], s => s.Query(new EventFilter { AggregateIds = ["x"], After = -1 })),
        ["query_from_version_negative"] = Invalid("FromVersion", ["-1"], s => s.Query(new EventFilter { AggregateIds = ["x"], FromVersion = -1 })),
        ["query_aggregate_ids_empty"] = Invalid("AggregateIds", ["empty"], s => s.Query(new EventFilter { AggregateIds = [] })),
        ["query_aggregate_types_empty"] = Invalid("AggregateTypes", ["empty"], s => s.Query(new EventFilter { AggregateTypes = [] })),
        ["query_event_types_empty"] = Invalid("EventTypes", ["empty"], s => s.Query(new EventFilter { EventTypes = [] })),
        ["query_aggregate_id_value_white_space"] = Invalid("AggregateIds[1]", ["white space"], s => s.Query(new EventFilter { AggregateIds = ["x", " "] })),
        ["query_1001_aggregate_ids"] = Invalid("AggregateIds", ["1001", "1000"],
            s => s.Query(new EventFilter { AggregateIds = Enumerable.Range(0, 1001).Select(i => $"id-{i}").ToList() })),

        // ---- snapshots and backup ----------------------------------------------------------------------
        ["save_snapshot_null"] = Invalid("snapshot", ["null"], s => s.SaveSnapshot(null!)),
        ["save_snapshot_aggregate_id_empty"] = Invalid("AggregateId", ["empty"], s => s.SaveSnapshot(new Snapshot("", Kind(), 1, "{}", 1))),
        ["save_snapshot_version_0"] = Invalid("Version", ["is 0"], s => s.SaveSnapshot(new Snapshot(Ids.New("ledger"), Kind(), 0, "{}", 1))),
        ["save_snapshot_state_null"] = Invalid("State", ["null"], s => s.SaveSnapshot(new Snapshot(Ids.New("ledger"), Kind(), 1, null!, 1))),
        ["save_snapshot_beyond_the_aggregate_head"] = new(typeof(InvalidCommandException), "Version", ["no event at version 3"], async s =>
        {
            var (id, kind) = (Ids.New("ledger"), Kind());
            await s.Append(id, kind, Notes(2));
            return () => s.SaveSnapshot(new Snapshot(id, kind, 3, "{}", 1));
        }),
        ["get_snapshot_aggregate_id_empty"] = Invalid("aggregateId", ["empty"], s => s.GetSnapshot("")),
        ["backup_file_name_empty"] = Invalid("fileName", ["empty"], s => s.Backup(" ")) with { PostgresMessageParts = ["pg_dump"] },
        ["backup_file_name_a_path"] = Invalid("fileName", ["plain file name"], s => s.Backup(Path.Combine(Path.GetTempPath(), "copy.db"))) with { PostgresMessageParts = ["pg_dump"] },
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_bad_call_on_the_store_is_refused_with_a_message_naming_the_argument_and_writes_nothing(string name)
    {
        var @case = Cases[name];
        var store = cluster.Client.GetEventStore();
        var act = await @case.Arrange(store);
        var (events, snapshots) = (cluster.Journal.Count(), cluster.KindSnapshotRows());

        var error = await Record.ExceptionAsync(act);

        Assert.NotNull(error);
        Assert.IsType(@case.Expected, error);
        Assert.Contains($"'{@case.Names}'", error.Message);
        if (error is InvalidCommandException invalid) Assert.Equal(@case.Names, invalid.Argument);
        var parts = cluster.Provider == JournalProvider.Postgres ? @case.PostgresMessageParts ?? @case.MessageParts : @case.MessageParts;
        foreach (var part in parts) Assert.Contains(part, error.Message);
        Assert.Equal((events, snapshots), (cluster.Journal.Count(), cluster.KindSnapshotRows()));
    }

    [Fact]
    public async Task A_payload_of_exactly_1_MiB_is_accepted_and_one_byte_more_is_refused()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        var store = cluster.Client.GetEventStore();
        const int Overhead = 11; // {"text":""}

        var accepted = await store.Append(id, kind, [Note(new string('x', MiB - Overhead))]);
        var refused = await Assert.ThrowsAsync<PayloadTooLargeException>(() => store.Append(id, kind, [Note(new string('x', MiB - Overhead + 1))]));

        Assert.Equal(1, accepted.Version);
        Assert.Equal(MiB, System.Text.Encoding.UTF8.GetByteCount(Assert.Single(cluster.Journal.Rows(id)).Payload));
        Assert.Equal((NoteType, MiB + 1L, (long)MiB), (refused.EventType, refused.SizeBytes, refused.LimitBytes));
        Assert.Equal(1, cluster.Journal.Count(id));
    }

    private static BadCase Invalid(string argument, string[] parts, Func<IEventStoreGrain, Task> act) =>
        new(typeof(InvalidCommandException), argument, parts, s => Now(() => act(s)));

    private static Task<Func<Task>> Now(Func<Task> act) => Task.FromResult(act);
}

[Collection(SharedClusterCollection.Name)]
public sealed class StoreBadInputTests_Sqlite(JournalCluster cluster) : StoreBadInputTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class StoreBadInputTests_Postgres(PostgresJournalCluster cluster) : StoreBadInputTests(cluster);
