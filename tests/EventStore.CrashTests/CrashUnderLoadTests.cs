using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Events;
using EventStore.Projections;
using EventStore.Store;
using Xunit.Abstractions;

namespace EventStore.CrashTests;

/// <summary>
/// The real silo (src/Silo) as a separate process on a journal file, under a concurrent load of aggregate
/// commands and event-store appends, killed with SIGKILL at random moments and restarted on the same
/// file. After each restart: every acknowledged event is in the journal exactly once, with its version
/// and position; no version is written twice; versions are contiguous and positions increase; every
/// aggregate rebuilds to the fold of its journal events; projections converge to the journal.
/// CI runs <see cref="DefaultKillPoints"/> kill points per durability setting; set CRASH_KILL_POINTS
/// (e.g. 50) for a longer run, and CRASH_SEED to replay a run's kill moments.
/// </summary>
public sealed class CrashUnderLoadTests(ITestOutputHelper output) : IDisposable
{
    private const int DefaultKillPoints = 5;
    private const int Workers = 32;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>Snapshots every 10 events instead of 100, so that rebuilds after a kill start from snapshots (some saved just before it) plus a tail.</summary>
    private static readonly Dictionary<string, string> SiloSettings = new() { ["EventStore:Journal:SnapshotInterval"] = "10" };
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eventstore-crash-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort
    }

    [Theory]
    [InlineData("Full")]
    [InlineData("Normal")]
    public async Task Killing_the_silo_under_load_loses_no_acknowledged_event_and_forks_nothing(string durability)
    {
        var killPoints = int.TryParse(Environment.GetEnvironmentVariable("CRASH_KILL_POINTS"), out var k) && k > 0 ? k : DefaultKillPoints;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CRASH_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"durability {durability}, {killPoints} kill points, {Workers} workers, seed {seed} (rerun with CRASH_SEED={seed})");
        var watch = Stopwatch.StartNew();
        var random = new Random(seed);
        var databasePath = Path.Combine(_folder, "journal", "events.db");
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        var siloAssembly = CopySilo();
        var workload = new CrashWorkload($"crash-{seed}", Workers, seed);
        var figures = new Figures();

        SiloProcess? silo = null;
        SiloClient? client = null;
        try
        {
            (silo, client) = await StartSilo(siloAssembly, databasePath, durability);
            await AssertListensOnLoopbackOnly(silo);

            for (var point = 1; point <= killPoints; point++)
            {
                var killAfter = TimeSpan.FromMilliseconds(random.Next(300, 2500));
                var killed = false;
                using var stop = new CancellationTokenSource();
                using var abandon = new CancellationTokenSource();
                var (acksBefore, doubtBefore) = (workload.Acks.Count, workload.InDoubtEventIds.Count);
                var load = workload.RunAsync(client.Client, () => Volatile.Read(ref killed), stop.Token, abandon.Token);
                await Task.Delay(killAfter);
                Volatile.Write(ref killed, true);
                silo.Kill();
                stop.Cancel();
                // Answers the silo sent before it died arrive within this grace period; after it, calls in flight are in doubt.
                var phase = Stopwatch.StartNew();
                await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(2)));
                abandon.Cancel();
                await load.WaitAsync(TimeSpan.FromSeconds(60));
                var drained = phase.Elapsed;
                await client.DisposeAsync();
                client = null;
                silo.Dispose();

                phase.Restart();
                (silo, client) = await StartSilo(siloAssembly, databasePath, durability);
                output.WriteLine($"kill {point}: after {killAfter.TotalMilliseconds:0} ms of load, {workload.Acks.Count - acksBefore} events acknowledged in that run, " +
                    $"{workload.InDoubtEventIds.Count - doubtBefore} in flight; calls ended {drained.TotalSeconds:0.0} s after the kill, restart took {phase.Elapsed.TotalSeconds:0.0} s");
                phase.Restart();
                var inDoubt = workload.InDoubtEventIds.Skip(doubtBefore).ToList();
                await Verify(client.Client, databasePath, workload, inDoubt, figures, final: point == killPoints);
                output.WriteLine($"  verified in {phase.Elapsed.TotalSeconds:0.0} s");
                figures.KillPoints = point;
            }
        }
        catch
        {
            if (silo is not null) output.WriteLine($"--- last output of the silo (pid {silo.Pid}) ---{Environment.NewLine}{silo.RecentOutput}");
            throw;
        }
        finally
        {
            if (client is not null) await client.DisposeAsync();
            silo?.Dispose();
        }

        figures.Duration = watch.Elapsed;
        output.WriteLine($"[{durability}] {figures}");
        Assert.Empty(workload.Unexpected);
        Assert.Equal(killPoints, figures.KillPoints);
        Assert.True(figures.Acknowledged > 0, "the load acknowledged nothing: the test proved nothing");
    }

    /// <summary>Starts the silo and connects a client, or fails with the silo's output.</summary>
    private async Task<(SiloProcess, SiloClient)> StartSilo(string siloAssembly, string databasePath, string durability)
    {
        var silo = SiloProcess.Start(siloAssembly, databasePath, durability, SiloSettings);
        try
        {
            var client = await SiloClient.ConnectAsync(silo.GatewayPort, StartTimeout);
            return (silo, client);
        }
        catch (Exception ex)
        {
            var exited = silo.HasExited;
            var recent = silo.RecentOutput;
            silo.Dispose();
            throw new InvalidOperationException(
                $"No client could connect to the silo on gateway port {silo.GatewayPort} within {StartTimeout.TotalSeconds} s (process {(exited ? "exited" : "running")}): {ex.Message}{Environment.NewLine}{recent}", ex);
        }
    }

    /// <summary>The silo and gateway ports listen on 127.0.0.1 only: the kernel says so, and the machine's other address is refused.</summary>
    private async Task AssertListensOnLoopbackOnly(SiloProcess silo)
    {
        foreach (var port in new[] { silo.SiloPort, silo.GatewayPort })
        {
            var addresses = ListeningSockets.On(port);
            Assert.NotEmpty(addresses);
            Assert.All(addresses, a => Assert.True(IPAddress.IsLoopback(a), $"port {port} listens on {a}, not on loopback"));
            output.WriteLine($"port {port} listens on {string.Join(", ", addresses)}");
        }
        var external = ListeningSockets.NonLoopbackAddresses();
        foreach (var address in external)
        {
            var result = await ListeningSockets.TryConnect(address, silo.GatewayPort);
            Assert.True(result != SocketError.Success, $"the gateway accepted a connection on {address}:{silo.GatewayPort}");
            output.WriteLine($"connecting to {address}:{silo.GatewayPort}: {result}");
        }
        if (external.Count == 0) output.WriteLine("this machine has no non-loopback IPv4 address to try a connection on");
    }

    /// <summary>Every check, after a restart, on the whole journal; all problems are collected and reported together.</summary>
    private async Task Verify(IClusterClient client, string databasePath, CrashWorkload workload, IReadOnlyList<string> inDoubt, Figures figures, bool final)
    {
        var problems = new List<string>();
        var integrity = RawJournal.IntegrityCheck(databasePath);
        if (integrity != "ok") problems.Add($"integrity_check: {integrity}");

        // The stats (counters kept in each batch's transaction) equal a full count of the rows, read before any grain
        // activates (a grain may save a snapshot of itself as it does); a count that moves meanwhile is read again.
        for (var attempt = 1; ; attempt++)
        {
            var counted = RawJournal.FullCount(databasePath);
            var reported = RawJournal.Of(await client.GetEventStore().GetStats());
            if (counted != RawJournal.FullCount(databasePath) && attempt < 10) continue;
            if (reported != counted) problems.Add($"GetStats reports {reported}; the rows count {counted}");
            break;
        }

        var rows = RawJournal.Rows(databasePath);
        var byId = rows.ToDictionary(r => r.Id);
        var acks = workload.Acks.ToList();

        // Every acknowledged event is in the journal, once, where its receipt said.
        var found = 0;
        foreach (var ack in acks.DistinctBy(a => (a.EventId, a.AggregateId, a.Version, a.Position)))
        {
            if (!byId.TryGetValue(ack.EventId, out var row)) problems.Add($"acknowledged event missing: {ack}");
            else if ((row.AggregateId, row.Version, row.Position) != (ack.AggregateId, ack.Version, ack.Position))
                problems.Add($"acknowledged event {ack} is stored as {row}");
            else found++;
        }
        foreach (var twice in acks.GroupBy(a => a.EventId).Where(g => g.Select(a => (a.Version, a.Position)).Distinct().Count() > 1))
            problems.Add($"event id {twice.Key} was acknowledged with different receipts: {string.Join(", ", twice)}");

        // Forks: a version acknowledged (or stored) for two different events.
        var ackForks = acks.GroupBy(a => (a.AggregateId, a.Version)).Count(g => g.Select(a => a.EventId).Distinct().Count() > 1);
        var rowForks = rows.GroupBy(r => (r.AggregateId, r.Version)).Count(g => g.Count() > 1);
        if (ackForks + rowForks > 0) problems.Add($"forks: {ackForks} versions acknowledged twice, {rowForks} versions stored twice");

        // Positions strictly increase; each aggregate's versions are 1..n and follow position order.
        for (var i = 1; i < rows.Count; i++)
            if (rows[i].Position <= rows[i - 1].Position) problems.Add($"position {rows[i].Position} follows {rows[i - 1].Position}");
        foreach (var stream in rows.GroupBy(r => r.AggregateId))
        {
            var versions = stream.Select(r => r.Version).ToList(); // in position order
            if (!versions.SequenceEqual(Enumerable.Range(1, versions.Count).Select(v => (long)v)))
                problems.Add($"aggregate {stream.Key}: versions in position order are {string.Join(",", versions)}, not 1..{versions.Count}");
        }

        // Snapshots (saved in the background, every SnapshotInterval events) never run ahead of their stream.
        var snapshots = RawJournal.Snapshots(databasePath);
        foreach (var (aggregateId, aggregateType, version, streamHead) in snapshots.Where(s => s.Version > s.StreamHead))
            problems.Add($"snapshot of {aggregateType} '{aggregateId}' at version {version}, but its stream ends at {streamHead}");

        // Each command applied exactly once and in order, in-doubt retries included: a stream's event ids are exactly the
        // workload's ids for its steps 1..n (agents and tasks: "<id>-e<version>"; swarms: the ids of appends 0, 1, 2… in turn).
        foreach (var stream in rows.GroupBy(r => r.AggregateId))
        {
            var ids = stream.OrderBy(r => r.Version).Select(r => r.Id).ToList();
            var expected = stream.First().AggregateType == AggregateTypes.Swarm
                ? CrashWorkload.SwarmEventIds(stream.Key).Take(ids.Count).ToList()
                : Enumerable.Range(1, ids.Count).Select(v => $"{stream.Key}-e{v}").ToList();
            if (!ids.SequenceEqual(expected))
                problems.Add($"aggregate {stream.Key}: event ids {string.Join(",", ids.Take(8))}… are not its commands' ids in order {string.Join(",", expected.Take(8))}…");
        }

        // Commands in flight at the kill may or may not have committed; the next run retries them with the same
        // event ids, and the checks above then find each acknowledged once.
        var committedInDoubt = inDoubt.Count(byId.ContainsKey);

        // Grain state rebuilt after the restart = a fold of the journal: every aggregate written since the previous
        // check (all of them at the end), each rebuilt by a fresh activation since the silo is new.
        var streams = rows.GroupBy(r => r.AggregateId).ToDictionary(g => g.Key, g => g.ToList());
        var rebuilt = final ? streams : streams.Where(s => s.Value[^1].Position > figures.CheckedHead).ToDictionary();
        var agentViews = new Dictionary<string, AgentView>();
        var taskViews = new Dictionary<string, TaskView>();
        using var gate = new SemaphoreSlim(16);
        await Task.WhenAll(rebuilt.Select(async stream =>
        {
            await gate.WaitAsync();
            try
            {
                var (id, type) = (stream.Key, stream.Value[0].AggregateType);
                var events = await client.GetEventStore().GetEvents(id);
                if (!events.Select(e => (e.Id, e.Version, e.Position)).SequenceEqual(stream.Value.OrderBy(r => r.Version).Select(r => (r.Id, r.Version, r.Position))))
                    lock (problems) problems.Add($"GetEvents('{id}') does not return the journal's rows");
                var (grain, folded) = type switch
                {
                    AggregateTypes.Agent => ((object)await client.GetGrain<IAgentGrain>(id).GetState(), (object)Fold<AgentView>(events)),
                    AggregateTypes.Task => (await client.GetGrain<ITaskGrain>(id).GetState(), Fold<TaskView>(events)),
                    AggregateTypes.Swarm => (await client.GetGrain<ISwarmGrain>(id).GetState(), Fold<SwarmView>(events)),
                    _ => throw new InvalidOperationException($"unexpected aggregate type {type}"),
                };
                var (grainJson, foldJson) = (JsonSerializer.Serialize(grain, grain.GetType()), JsonSerializer.Serialize(folded, folded.GetType()));
                lock (problems)
                {
                    if (grainJson != foldJson) problems.Add($"{type} '{id}': GetState() {grainJson} differs from the fold of its journal {foldJson}");
                    if (folded is AgentView agent) agentViews[id] = agent;
                    if (folded is TaskView task) taskViews[id] = task;
                }
            }
            catch (Exception ex)
            {
                lock (problems) problems.Add($"aggregate '{stream.Key}': {ex.GetType().Name}: {ex.Message}");
            }
            finally
            {
                gate.Release();
            }
        }));

        // Projections converge to the journal.
        var head = rows.Count == 0 ? 0 : rows[^1].Position;
        var agents = client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
        var tasks = client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);
        foreach (var status in new[] { await agents.CatchUp(), await tasks.CatchUp() })
            if (status.Checkpoint != head || status.Problem is not null) problems.Add($"projection {status.Projection} at {status.Checkpoint} of {head}: {status.Problem}");
        var agentRecords = await agents.GetAll();
        var spawned = rows.Count(r => r.Type == "agent:spawned");
        if (agentRecords.Count != spawned) problems.Add($"AgentState holds {agentRecords.Count} agents, the journal spawned {spawned}");
        foreach (var record in agentRecords.Where(a => agentViews.ContainsKey(a.AgentId)))
        {
            var view = agentViews[record.AgentId];
            var journal = (view?.Status, view?.TaskCount, view?.CompletedTaskCount);
            if ((record.Status, record.TaskCount, record.CompletedTasks) != journal)
                problems.Add($"AgentState '{record.AgentId}': status/tasks/completed {(record.Status, record.TaskCount, record.CompletedTasks)}, journal says {journal}");
        }
        var completed = rows.Where(r => r.Type == "task:completed").Select(r => r.AggregateId).Distinct().Count();
        if (await tasks.GetCompletedCount() != completed) problems.Add($"TaskHistory counts {await tasks.GetCompletedCount()} completed tasks, the journal {completed}");
        var taskRecords = await tasks.GetAll();
        var created = rows.Count(r => r.Type == "task:created");
        if (taskRecords.Count != created) problems.Add($"TaskHistory holds {taskRecords.Count} tasks, the journal created {created}");
        foreach (var record in taskRecords.Where(t => taskViews.ContainsKey(t.TaskId)))
            if (record.Status != taskViews[record.TaskId].Status)
                problems.Add($"TaskHistory '{record.TaskId}' is {record.Status}, the journal says {taskViews[record.TaskId].Status}");

        figures.Acknowledged = acks.Select(a => a.EventId).Distinct().Count();
        figures.Found = found;
        figures.Forks = ackForks + rowForks;
        figures.InDoubt += inDoubt.Count;
        figures.InDoubtCommitted += committedInDoubt;
        figures.JournalEvents = rows.Count;
        figures.Aggregates = streams.Count;
        figures.Snapshots = snapshots.Count;
        figures.Rebuilt += rebuilt.Count;
        figures.CheckedHead = head;
        figures.Calls = workload.Calls;
        output.WriteLine($"  after restart: {rows.Count} events in the journal, {figures.Acknowledged} acknowledged, {found} found where acknowledged, {figures.Forks} forks, {rebuilt.Count} of {streams.Count} aggregates rebuilt and compared, {problems.Count} problems{(final ? " (final)" : "")}");
        Assert.True(problems.Count == 0, $"{problems.Count} problems after the restart:{Environment.NewLine}{string.Join(Environment.NewLine, problems.Take(40))}");
    }

    private static T Fold<T>(IEnumerable<EventEnvelope> events) where T : AggregateView, new()
    {
        var view = new T();
        foreach (var e in events) view.Apply(e);
        return view;
    }

    /// <summary>A private copy of the silo's build output, so that a rebuild elsewhere cannot change the program under test mid-run.</summary>
    private string CopySilo()
    {
        var source = Path.GetDirectoryName(SiloProcess.BuiltSiloAssembly)!;
        Assert.True(File.Exists(SiloProcess.BuiltSiloAssembly), $"the silo is not built at {SiloProcess.BuiltSiloAssembly}");
        var target = Path.Combine(_folder, "silo");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        return Path.Combine(target, Path.GetFileName(SiloProcess.BuiltSiloAssembly));
    }

    private sealed class Figures
    {
        public int KillPoints, Acknowledged, Found, Forks, InDoubt, InDoubtCommitted, JournalEvents, Aggregates, Snapshots, Rebuilt, Calls;
        public long CheckedHead;
        public TimeSpan Duration;

        public override string ToString() =>
            $"kill points {KillPoints}, calls {Calls}, events acknowledged {Acknowledged}, found {Found}, forks {Forks}, " +
            $"in flight at a kill {InDoubt} (of which committed {InDoubtCommitted}; retried with the same ids), " +
            $"journal {JournalEvents} events in {Aggregates} aggregates, {Snapshots} snapshots ({Rebuilt} rebuilds compared with a fold), duration {Duration.TotalSeconds:0.0} s";
    }
}
