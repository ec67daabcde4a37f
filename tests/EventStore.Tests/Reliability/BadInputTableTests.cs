using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Xunit.Abstractions;
using static EventStore.Tests.Reliability.ReliabilityKit;

namespace EventStore.Tests.Reliability;

/// <summary>A payload class without [EventType]: no journal can name it.</summary>
[GenerateSerializer, Immutable]
public sealed record NotRegisteredEvent(string Text) : IDomainEvent;

/// <summary>A private cluster: the table checks the whole journal's row count, which other tests' writes would disturb.</summary>
public class BadInputCluster : IAsyncLifetime
{
    private readonly string _path = ReliabilityCluster.NewDatabasePath();
    private string? _postgres;

    /// <summary>The journal's backend: SQLite here, PostgreSQL in <see cref="PostgresBadInputCluster"/>.</summary>
    public virtual JournalProvider Provider => JournalProvider.Sqlite;

    public ReliabilityCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (Provider == JournalProvider.Postgres) _postgres = await PostgresServer.CreateDatabaseAsync("bad_input");
        Cluster = await ReliabilityCluster.StartAsync(_path, serviceId: "reliability-bad-input", postgres: _postgres);
    }

    public async Task DisposeAsync()
    {
        if (Cluster is not null) await Cluster.DisposeAsync();
        if (_postgres is not null) await PostgresServer.DropDatabaseAsync(_postgres);
        ReliabilityCluster.DeleteFolder(_path);
    }
}

/// <summary>A <see cref="BadInputCluster"/> on PostgreSQL.</summary>
public sealed class PostgresBadInputCluster : BadInputCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

[CollectionDefinition(Name)]
public sealed class BadInputCollection : ICollectionFixture<BadInputCluster>
{
    public const string Name = "bad-input-table";
}

[CollectionDefinition(Name)]
public sealed class PostgresBadInputCollection : ICollectionFixture<PostgresBadInputCluster>
{
    public const string Name = "bad-input-table-postgres";
}

/// <summary>
/// The cross-cutting bad-input table: the same kinds of bad value (empty, blank and over-long ids, unknown
/// event types, oversized payloads, impossible transitions, absurd paging, inverted time ranges, null
/// collections, reused event ids) thrown at every surface (the four aggregates, a plain journaled grain,
/// the store's appends, reads and queries), plus SQL-looking text in every string field of a command,
/// an append and a query. A bad input is refused with its own error type and a message naming the
/// problem, and the journal (events and snapshots) is unchanged; SQL-looking text is plain data, stored
/// and read back exactly as given. The per-surface tables are Aggregates/BadInputTests and
/// Store/StoreBadInputTests; this one counts its cases in its output.
/// </summary>
public abstract class BadInputTableTests(BadInputCluster fixture, ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;
    private static readonly string Long = new('i', 257);

    /// <summary>A refused input: the error, the argument it names (for <see cref="InvalidCommandException"/>), and message parts.</summary>
    private sealed record Refused(Type Error, string? Argument, string[] Parts, Func<IClusterClient, Task<Func<Task>>> Arrange);

    /// <summary>An accepted input: runs, checks what was stored and read back, and says how many rows it added.</summary>
    private sealed record Stored(int RowsAdded, Func<IClusterClient, IJournalRows, Task> ActAndCheck);

    private static Dictionary<string, object> Cases() => new()
    {
        // ---- one bad id, every surface that takes an id ---------------------------------------------
        ["id empty: store append CorrelationId"] = Invalid("events[0].CorrelationId", ["empty"], c => Now(() => c.GetEventStore().Append(Ids.New("ledger"), "ledger", [Note("x") with { CorrelationId = "" }]))),
        ["id empty: memory key to retrieve"] = Invalid("key", ["empty"], async c => { var m = Memory(c); await m.Store("k", "text", 1); return () => m.Retrieve(""); }),
        ["id empty: query AggregateIds[0]"] = Invalid("AggregateIds[0]", ["empty"], c => Now(() => c.GetEventStore().Query(new EventFilter { AggregateIds = [""] }))),
        ["id empty: agent taskId"] = Invalid("taskId", ["empty"], async c => { var a = await RunningAgent(c); return () => a.AssignTask(""); }),
        ["id empty: command EventId"] = Invalid("EventId", ["empty"], c => Now(() => Memory(c).Store("k", "text", 1, context: new CommandContext { EventId = "" }))),
        ["id blank: store append Source"] = Invalid("events[0].Source", ["white space"], c => Now(() => c.GetEventStore().Append(Ids.New("ledger"), "ledger", [Note("x") with { Source = " \t " }]))),
        ["id blank: snapshot read aggregateId"] = Invalid("aggregateId", ["white space"], c => Now(() => c.GetEventStore().GetSnapshot("   "))),
        ["id blank: query AggregateTypes[1]"] = Invalid("AggregateTypes[1]", ["white space"], c => Now(() => c.GetEventStore().Query(new EventFilter { AggregateTypes = ["agent", " "] }))),
        ["id blank: task dependencies[0]"] = Invalid("dependencies[0]", ["white space"], c => Now(() => NewTask(c).Create("code", "t", "", TaskPriority.Normal, ["  "]))),
        ["id blank: command CorrelationId"] = Invalid("CorrelationId", ["white space"], c => Now(() => Swarm(c).Initialize("mesh", 3, new Dictionary<string, string>(), new CommandContext { CorrelationId = " " }))),
        ["id 257 chars: store append CausationId"] = Invalid("events[0].CausationId", ["257 characters", "limit of 256"], c => Now(() => c.GetEventStore().Append(Ids.New("ledger"), "ledger", [Note("x") with { CausationId = Long }]))),
        ["id 257 chars: store type read eventType"] = Invalid("eventType", ["257 characters"], c => Now(() => c.GetEventStore().GetEventsByType(Long))),
        ["id 257 chars: query EventTypes[0]"] = Invalid("EventTypes[0]", ["257 characters"], c => Now(() => c.GetEventStore().Query(new EventFilter { EventTypes = [Long] }))),
        ["id 257 chars: memory id"] = Invalid("memoryId", ["257 characters"], c => Now(() => Memory(c).Store("k", "text", 1, Long))),
        ["id 257 chars: task grain key"] = Invalid("aggregateId", ["257 characters"], c => Now(() => c.GetGrain<ITaskGrain>(Long).Create("code", "t", "", TaskPriority.Normal, []))),

        // ---- unknown event types --------------------------------------------------------------------
        ["unknown type: store append of an unregistered class to a swarm"] = new Refused(typeof(UnknownEventTypeException), null, [nameof(NotRegisteredEvent)],
            c => Now(() => c.GetEventStore().Append(Ids.New("swarm"), AggregateTypes.Swarm, [new NewEvent(new NotRegisteredEvent("?"))]))),
        ["unknown type: journaled grain raising an unregistered class"] = new Refused(typeof(UnknownEventTypeException), null, [nameof(NotRegisteredEvent)],
            c => Now(() => c.GetGrain<INoteGrain>(Ids.New("note")).Raise(new NotRegisteredEvent("?")))),
        ["stream id: a journaled grain raising a task event that names another task"] = Invalid("payload", ["TaskId", "'task-3'", "'note-"],
            c => Now(() => c.GetGrain<INoteGrain>(Ids.New("note")).Raise(SampleEvents.All.OfType<TaskCreated>().Single()))),
        ["unknown type: an agent event appended to a memory namespace"] = Invalid("events[1]", ["agent:spawned", "memory aggregate"],
            c =>
            {
                var ns = Ids.New("memory");
                return Now(() => c.GetEventStore().Append(ns, AggregateTypes.Memory,
                    [new NewEvent(new MemoryStored("m", ns, "k", "text", 1, DateTimeOffset.UnixEpoch)), new NewEvent(new AgentSpawned("a", "coder", AgentDomain.Core, []))]));
            }),

        // ---- payloads over the limit ----------------------------------------------------------------
        ["payload over 1 MiB: agent spawn with 4,500 capabilities"] = new Refused(typeof(PayloadTooLargeException), null, ["agent:spawned", "1,048,576"],
            c => Now(() => Agent(c).Spawn("coder", AgentDomain.Core, Enumerable.Range(0, 4500).Select(i => $"capability-{i}-{new string('c', 230)}").ToList()))),
        ["payload over 1 MiB: task title"] = new Refused(typeof(PayloadTooLargeException), null, ["task:created", "1,048,576"],
            c => Now(() => NewTask(c).Create("code", new string('t', MiB + 1), "", TaskPriority.Low, []))),
        ["payload over 1 MiB: swarm error through the store"] = new Refused(typeof(PayloadTooLargeException), null, ["swarm:error"],
            c => Now(() => c.GetEventStore().Append(Ids.New("swarm"), AggregateTypes.Swarm, [new NewEvent(new SwarmError(new string('e', 2 * MiB), null, new Dictionary<string, string>(), DateTimeOffset.UnixEpoch))]))),

        // ---- impossible transitions, one per aggregate (and one after the end of a life) ------------
        ["transition: change the status of an agent never spawned"] = Transition(["change the status of", "never spawned"], c => Now(() => Agent(c).ChangeStatus(AgentStatus.Active))),
        ["transition: assign a task to a stopped agent"] = Transition(["stopped"], async c =>
        {
            var a = await RunningAgent(c);
            await a.Stop("done");
            return () => a.AssignTask("late");
        }),
        ["transition: fail a task never started"] = Transition(["fail", "never started"], async c =>
        {
            var t = NewTask(c);
            await t.Create("code", "t", "", TaskPriority.Normal, []);
            return () => t.Fail("boom");
        }),
        ["transition: expire a deleted memory key"] = Transition(["expire", "deleted"], async c =>
        {
            var m = Memory(c);
            await m.Store("k", "text", 1);
            await m.Delete("k");
            return () => m.Expire("k", DateTimeOffset.UnixEpoch);
        }),
        ["transition: record a milestone of a terminated swarm"] = Transition(["record a milestone of", "terminated"], async c =>
        {
            var s = Swarm(c);
            await s.Initialize("mesh", 5, new Dictionary<string, string>());
            await s.Terminate("over", new Dictionary<string, double>());
            return () => s.ReachMilestone("m-1", "too late");
        }),

        // ---- negative or absurd paging --------------------------------------------------------------
        ["paging: read all from position long.MinValue"] = Invalid("fromPosition", ["-9223372036854775808"], c => Now(() => c.GetEventStore().ReadAll(long.MinValue, 10))),
        ["paging: read all with int.MaxValue as the limit"] = Invalid("limit", ["over the page size limit"], c => Now(() => c.GetEventStore().ReadAll(0, int.MaxValue))),
        ["paging: events of a type with limit int.MinValue"] = Invalid("limit", ["-2147483648"], c => Now(() => c.GetEventStore().GetEventsByType("agent:spawned", 0, int.MinValue))),
        ["paging: query offset int.MinValue with a limit"] = Invalid("Offset", ["-2147483648"], c => Now(() => c.GetEventStore().Query(new EventFilter { Limit = 10, Offset = int.MinValue }))),
        ["paging: query limit int.MinValue"] = Invalid("Limit", ["-2147483648"], c => Now(() => c.GetEventStore().Query(new EventFilter { Limit = int.MinValue }))),
        ["paging: stream read from version long.MinValue"] = Invalid("fromVersion", ["-9223372036854775808"], c => Now(() => c.GetEventStore().GetEvents(Ids.New("ledger"), long.MinValue))),

        // ---- inverted time ranges -------------------------------------------------------------------
        ["time range: Before earlier than After, every other filter set"] = Invalid("Before", ["1000", "2000", "empty"], c => Now(() => c.GetEventStore().Query(new EventFilter
            { AggregateIds = ["a"], AggregateTypes = ["agent"], EventTypes = ["agent:spawned"], FromVersion = 1, After = 2000, Before = 1000, Limit = 10, Offset = 0 }))),
        ["time range: Before and After both 0"] = Invalid("Before", ["empty"], c => Now(() => c.GetEventStore().Query(new EventFilter { After = 0, Before = 0, Limit = 10 }))),
        ["time range: Before negative"] = Invalid("Before", ["-1"], c => Now(() => c.GetEventStore().Query(new EventFilter { Before = -1 }))),

        // ---- null (or empty) collections ------------------------------------------------------------
        ["null collection: agent capabilities"] = Invalid("capabilities", ["null"], c => Now(() => Agent(c).Spawn("coder", AgentDomain.Core, null!))),
        ["null collection: swarm error context"] = Invalid("errorContext", ["null"], async c =>
        {
            var s = Swarm(c);
            await s.Initialize("mesh", 3, new Dictionary<string, string>());
            return () => s.RecordError("boom", null, null!);
        }),
        ["null in a collection: agent capabilities[1]"] = Invalid("capabilities[1]", ["null"], c => Now(() => Agent(c).Spawn("coder", AgentDomain.Core, ["csharp", null!]))),
        ["null in a collection: task blockedBy[0]"] = Invalid("blockedBy[0]", ["null"], async c =>
        {
            var t = NewTask(c);
            await t.Create("code", "t", "", TaskPriority.Normal, []);
            return () => t.Block([null!]);
        }),
        ["null in a collection: swarm config value"] = Invalid("config[k]", ["null"], c => Now(() => Swarm(c).Initialize("mesh", 3, new Dictionary<string, string> { ["k"] = null! }))),
        ["null in a collection: store append Metadata value"] = Invalid("events[0].Metadata[m]", ["null"],
            c => Now(() => c.GetEventStore().Append(Ids.New("ledger"), "ledger", [Note("x") with { Metadata = new Dictionary<string, string> { ["m"] = null! } }]))),
        ["null in a collection: query AggregateIds[0]"] = Invalid("AggregateIds[0]", ["null"], c => Now(() => c.GetEventStore().Query(new EventFilter { AggregateIds = [null!] }))),
        ["empty collection: query AggregateTypes"] = Invalid("AggregateTypes", ["empty"], c => Now(() => c.GetEventStore().Query(new EventFilter { AggregateTypes = [], Limit = 5 }))),

        // ---- duplicate event ids with different content ---------------------------------------------
        ["duplicate id: store append, same id, other payload"] = new Refused(typeof(DuplicateEventIdException), null, ["other content"], async c =>
        {
            var (ledger, id) = (Ids.New("ledger"), Ids.New("evt"));
            await c.GetEventStore().Append(ledger, "ledger", [Note("first", id)]);
            return () => c.GetEventStore().Append(ledger, "ledger", [Note("second", id)]);
        }),
        ["duplicate id: a command reusing a store event's id"] = new Refused(typeof(DuplicateEventIdException), null, ["test:note"], async c =>
        {
            var id = Ids.New("evt");
            await c.GetEventStore().Append(Ids.New("ledger"), "ledger", [Note("taken", id)]);
            return () => Agent(c).Spawn("coder", AgentDomain.Core, [], new CommandContext { EventId = id });
        }),
        ["duplicate id: a store append reusing a command's id"] = new Refused(typeof(DuplicateEventIdException), null, ["agent:spawned"], async c =>
        {
            var id = Ids.New("evt");
            await Agent(c).Spawn("coder", AgentDomain.Core, [], new CommandContext { EventId = id });
            return () => c.GetEventStore().Append(Ids.New("ledger"), "ledger", [Note("mine", id)]);
        }),
        ["duplicate id: the same command on another aggregate"] = new Refused(typeof(DuplicateEventIdException), null, ["agent:spawned"], async c =>
        {
            var id = Ids.New("evt");
            await Agent(c).Spawn("coder", AgentDomain.Core, [], new CommandContext { EventId = id });
            return () => Agent(c).Spawn("coder", AgentDomain.Core, [], new CommandContext { EventId = id });
        }),

        // ---- SQL-looking text: plain data ----------------------------------------------------------
        ["sql text: every string field of a task command"] = new Stored(1, async (c, journal) =>
        {
            var (taskId, eventId) = ($"task'); DROP TABLE events; --{Guid.NewGuid():N}", $"evt' OR '1'='1{Guid.NewGuid():N}");
            var metadata = new Dictionary<string, string> { ["k'; DELETE FROM snapshots; --"] = "v\" OR \"\"=\"" };
            var context = new CommandContext { EventId = eventId, CorrelationId = "corr'; UPDATE events SET version = 0; --", CausationId = "cause\"); DROP TABLE snapshots;", Source = "src' || (SELECT 1) || '", Metadata = metadata };
            await c.GetGrain<ITaskGrain>(taskId).Create("type'--", "title'; DROP TABLE events;", "desc \" OR 1=1 /*", TaskPriority.High, ["dep' UNION SELECT * FROM events --"], context);
            var row = Assert.Single(journal.Rows(taskId));
            Assert.Equal((eventId, taskId, context.CorrelationId, context.CausationId, context.Source), (row.Id, row.AggregateId, row.CorrelationId, row.CausationId, row.Source));
            Assert.Equal(metadata, JsonSerializer.Deserialize<Dictionary<string, string>>(row.Metadata!));
            var payload = JsonDocument.Parse(row.Payload).RootElement;
            Assert.Equal(("type'--", "title'; DROP TABLE events;", "desc \" OR 1=1 /*", "dep' UNION SELECT * FROM events --"),
                (payload.GetProperty("taskType").GetString(), payload.GetProperty("title").GetString(), payload.GetProperty("description").GetString(), payload.GetProperty("dependencies")[0].GetString()));
            Assert.Equal("title'; DROP TABLE events;", (await c.GetGrain<ITaskGrain>(taskId).GetState()).Title);
        }),
        ["sql text: every string field of a store append"] = new Stored(1, async (c, journal) =>
        {
            var (ledger, type, id) = ($"ledger' OR 1=1 --{Guid.NewGuid():N}", $"kind'); DROP TABLE events;--{Guid.NewGuid():N}", $"id\"; DELETE FROM events; --{Guid.NewGuid():N}");
            var e = new NewEvent(new NoteAdded("text'); DROP TABLE events; --")) { Id = id, Source = "s' OR 'a'='a", CorrelationId = "c'--", CausationId = "x\" OR \"1", Metadata = new Dictionary<string, string> { ["m'"] = "'; --" } };
            await c.GetEventStore().Append(ledger, type, [e]);
            var row = Assert.Single(journal.Rows(ledger));
            Assert.Equal((id, type, e.Source, e.CorrelationId, e.CausationId), (row.Id, row.AggregateType, row.Source, row.CorrelationId, row.CausationId));
            Assert.Equal("text'); DROP TABLE events; --", JsonDocument.Parse(row.Payload).RootElement.GetProperty("text").GetString());
            Assert.Equal(id, Assert.Single(await c.GetEventStore().Query(new EventFilter { AggregateTypes = [type] })).Id);
        }),
        ["sql text: every string field of a query"] = new Stored(0, async (c, journal) =>
        {
            // Reads the row of the task case above (cases run in the order written).
            var store = c.GetEventStore();
            var taskRow = journal.Rows().First(r => r.AggregateId.StartsWith("task'); DROP TABLE events; --", StringComparison.Ordinal));
            Assert.Equal(taskRow.Id, Assert.Single(await store.Query(new EventFilter { AggregateIds = [taskRow.AggregateId], AggregateTypes = ["task"], EventTypes = ["task:created"] })).Id);
            Assert.Empty(await store.Query(new EventFilter { AggregateIds = ["' OR '1'='1"] }));
            Assert.Empty(await store.Query(new EventFilter { AggregateTypes = ["task' --"], Limit = 10 }));
            Assert.Empty(await store.Query(new EventFilter { EventTypes = ["task:created' OR '1'='1"], Limit = 10 }));
            Assert.Empty((await store.GetEventsByType("x' OR 1=1 --")).Events);
            Assert.Empty(await store.GetEvents("' OR ''='"));
            Assert.Null(await store.GetSnapshot("'; DROP TABLE snapshots; --"));
        }),
        ["sql text: memory key, type and id"] = new Stored(1, async (c, journal) =>
        {
            var ns = $"ns' OR 1=1{Guid.NewGuid():N}";
            await c.GetGrain<IMemoryNamespaceGrain>(ns).Store("key'; DROP TABLE events;--", "type\" OR \"1\"=\"1", 7, "mem'); DELETE FROM events; --");
            var payload = JsonDocument.Parse(Assert.Single(journal.Rows(ns)).Payload).RootElement;
            Assert.Equal(("key'; DROP TABLE events;--", "type\" OR \"1\"=\"1", "mem'); DELETE FROM events; --"),
                (payload.GetProperty("key").GetString(), payload.GetProperty("memoryType").GetString(), payload.GetProperty("memoryId").GetString()));
            Assert.True((await c.GetGrain<IMemoryNamespaceGrain>(ns).GetState()).Entries.ContainsKey("key'; DROP TABLE events;--"));
        }),
    };

    [Fact]
    public async Task Every_bad_input_across_grains_and_store_is_refused_clearly_and_writes_nothing_and_SQL_text_is_plain_data()
    {
        var cluster = fixture.Cluster;
        var failures = new List<string>();
        var (refused, stored) = (0, 0);
        var cases = Cases();
        foreach (var (name, @case) in cases)
        {
            try
            {
                switch (@case)
                {
                    case Refused bad:
                    {
                        var act = await bad.Arrange(cluster.Client);
                        var (events, snapshots) = (cluster.Journal.Count(), SnapshotCount(cluster.Journal));
                        var error = await Record.ExceptionAsync(() => act().WaitAsync(NoHang));
                        Assert.NotNull(error);
                        Assert.IsType(bad.Error, error);
                        if (bad.Argument is not null) Assert.Equal(bad.Argument, ((InvalidCommandException)error).Argument);
                        foreach (var part in bad.Parts) Assert.Contains(part, error.Message);
                        Assert.Equal((events, snapshots), (cluster.Journal.Count(), SnapshotCount(cluster.Journal)));
                        refused++;
                        output.WriteLine($"refused  {name}: {error.GetType().Name}: {Shorten(error.Message)}");
                        break;
                    }
                    case Stored good:
                    {
                        var events = cluster.Journal.Count();
                        await good.ActAndCheck(cluster.Client, cluster.Journal).WaitAsync(NoHang);
                        Assert.Equal(events + good.RowsAdded, cluster.Journal.Count());
                        stored++;
                        output.WriteLine($"verbatim {name}: stored and read back as given");
                        break;
                    }
                }
            }
            catch (Exception ex)
            {
                failures.Add($"{name}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        JournalAssert.IsConsistent(cluster.Journal.Rows());
        output.WriteLine($"{cases.Count} bad inputs tried: {refused} refused with a clear error and nothing written, {stored} SQL-looking inputs stored as plain data, {failures.Count} failures");
        Assert.True(cases.Count >= 20, $"the table has only {cases.Count} cases");
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>
    /// A payload the journal cannot serialize: a null collection (or text) where the payload type allows none,
    /// a NaN metric appended through the store. Nothing is written, but the caller gets the serializer's own
    /// exception (System.Text.Json's <c>JsonException</c>, or an <c>ArgumentException</c> that names no field)
    /// instead of the store's <see cref="InvalidCommandException"/> naming what is wrong, as every other bad input
    /// gets. Fails until the journal turns a payload it cannot serialize into a typed error.
    /// </summary>
    [Fact]
    public async Task A_payload_the_journal_cannot_serialize_is_refused_with_an_InvalidCommandException_naming_the_problem()
    {
        var cluster = fixture.Cluster;
        var (events, snapshots) = (cluster.Journal.Count(), SnapshotCount(cluster.Journal));

        var viaStore = await Record.ExceptionAsync(() => cluster.Client.GetEventStore()
            .Append(Ids.New("swarm"), AggregateTypes.Swarm, [new NewEvent(new SwarmInitialized("mesh", 3, null!, DateTimeOffset.UnixEpoch))]).WaitAsync(NoHang));
        var viaGrain = await Record.ExceptionAsync(() => cluster.Client.GetGrain<INoteGrain>(Ids.New("note")).Raise(new NoteAdded(null!)).WaitAsync(NoHang));
        var notANumber = await Record.ExceptionAsync(() => cluster.Client.GetEventStore()
            .Append(Ids.New("swarm"), AggregateTypes.Swarm, [new NewEvent(new SwarmTerminated("over", DateTimeOffset.UnixEpoch, new Dictionary<string, double> { ["rate"] = double.NaN }))]).WaitAsync(NoHang));

        output.WriteLine($"store append, null config: {viaStore?.GetType().FullName}: {viaStore?.Message}");
        output.WriteLine($"grain raise, null text:    {viaGrain?.GetType().FullName}: {viaGrain?.Message}");
        output.WriteLine($"store append, NaN metric:  {notANumber?.GetType().FullName}: {notANumber?.Message}");
        Assert.Equal((events, snapshots), (cluster.Journal.Count(), SnapshotCount(cluster.Journal))); // nothing written: this holds
        foreach (var (error, parts) in new[] { (viaStore, new[] { "config", "null" }), (viaGrain, ["text", "null"]), (notANumber, ["events[0]"]) })
        {
            var refused = Assert.IsType<InvalidCommandException>(error);
            foreach (var part in parts) Assert.Contains(part, refused.Message, StringComparison.OrdinalIgnoreCase);
        }
    }

    private static Refused Invalid(string argument, string[] parts, Func<IClusterClient, Task<Func<Task>>> arrange) =>
        new(typeof(InvalidCommandException), argument, parts, arrange);

    private static Refused Transition(string[] parts, Func<IClusterClient, Task<Func<Task>>> arrange) =>
        new(typeof(InvalidTransitionException), null, parts, arrange);

    private static Task<Func<Task>> Now(Func<Task> act) => Task.FromResult(act);

    private static IAgentGrain Agent(IClusterClient c) => c.GetGrain<IAgentGrain>(Ids.New("agent"));

    private static ITaskGrain NewTask(IClusterClient c) => c.GetGrain<ITaskGrain>(Ids.New("task"));

    private static ISwarmGrain Swarm(IClusterClient c) => c.GetGrain<ISwarmGrain>(Ids.New("swarm"));

    private static IMemoryNamespaceGrain Memory(IClusterClient c) => c.GetGrain<IMemoryNamespaceGrain>(Ids.New("memory"));

    private static async Task<IAgentGrain> RunningAgent(IClusterClient c)
    {
        var agent = Agent(c);
        await agent.Spawn("coder", AgentDomain.Core, []);
        await agent.Start();
        return agent;
    }

    private static string Shorten(string message) => message.Length <= 160 ? message : message[..160] + "…";
}

[Collection(BadInputCollection.Name)]
public sealed class BadInputTableTests_Sqlite(BadInputCluster fixture, ITestOutputHelper output) : BadInputTableTests(fixture, output);

[Collection(PostgresBadInputCollection.Name)]
public sealed class BadInputTableTests_Postgres(PostgresBadInputCluster fixture, ITestOutputHelper output) : BadInputTableTests(fixture, output);
