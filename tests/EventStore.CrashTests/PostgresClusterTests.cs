using System.Collections.Concurrent;
using System.Diagnostics;
using EventStore.Aggregates;
using EventStore.Events;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EventStore.CrashTests;

/// <summary>
/// Real silo processes (src/Silo) forming one cluster on PostgreSQL (<c>EventStore:Cluster:Provider=Postgres</c>,
/// journal on the same fresh database), reached by a client through the gateway list in the membership table.
/// </summary>
public sealed class PostgresClusterTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Aggregates = 50;
    private const int KillAggregates = 240;
    private const string AgentStateProjection = "agent_state";
    private const string ProjectorType = "projector"; // one grain type for every projection, keyed by its name
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eventstore-cluster-tests", Guid.NewGuid().ToString("N"));
    private readonly List<SiloProcess> _silos = [];
    private readonly List<SiloProcess> _ended = []; // stopped or killed on purpose
    private string _database = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _database = await PostgresServer.CreateDatabaseAsync("cluster");
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos) silo.Dispose();
        await PostgresServer.DropDatabaseAsync(_database);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort
    }

    [Fact]
    public async Task Two_silos_share_the_work_and_one_stopped_gracefully_leaves_every_aggregate_served_and_rejoins_when_restarted()
    {
        var watch = Stopwatch.StartNew();
        var (a, b) = (StartSilo(), StartSilo());
        await ClusterTables.WaitForMembersAsync(_database, m => ActivePorts(m).SetEquals([a.SiloPort, b.SiloPort]), StartTimeout,
            "both silos Active", Output, Broken);
        output.WriteLine($"two silos Active after {watch.Elapsed.TotalSeconds:F1} s");

        var agents = Enumerable.Range(0, Aggregates).Select(i => $"cluster-agent-{i}").ToArray();
        var receipts = new ConcurrentBag<EventReceipt>();
        await using (var client = await SiloClient.ConnectToClusterAsync(_database, StartTimeout, TimeSpan.FromSeconds(1)))
        {
            for (var round = 0; round < 4; round++) await DriveRoundAsync(client.Client, agents, round, receipts);
            // The client reached both gateways (silos dial each other on silo ports, never on gateway ports).
            Assert.True(ListeningSockets.EstablishedTo(a.GatewayPort) > 0, $"no connection to gateway {a.GatewayPort}");
            Assert.True(ListeningSockets.EstablishedTo(b.GatewayPort) > 0, $"no connection to gateway {b.GatewayPort}");
            await AssertJournalHoldsExactlyAsync(receipts, agents, expectedVersion: 4);
            output.WriteLine($"4 rounds on {Aggregates} aggregates through both gateways after {watch.Elapsed.TotalSeconds:F1} s");

            b.Stop();
            _ended.Add(b);
            var members = await ClusterTables.MembersAsync(_database);
            Assert.Contains(members, m => m.Port == b.SiloPort && m.Status == Member.Dead);
            await DriveRoundAsync(client.Client, agents, 4, receipts);
            foreach (var agent in agents) Assert.Equal(5, (await client.Client.GetGrain<IAgentGrain>(agent).GetState()).Version);
            output.WriteLine($"one silo stopped, every aggregate served by the other after {watch.Elapsed.TotalSeconds:F1} s");

            var again = StartSilo((b.SiloPort, b.GatewayPort));
            await ClusterTables.WaitForMembersAsync(_database, m => ActivePorts(m).SetEquals([a.SiloPort, again.SiloPort])
                    && m.Count(r => r.Port == again.SiloPort) == 2, StartTimeout, "the restarted silo Active again (a new generation)", Output, Broken);
            output.WriteLine($"restarted silo Active again after {watch.Elapsed.TotalSeconds:F1} s");
            await DriveRoundAsync(client.Client, agents, 5, receipts);
        }
        await AssertJournalHoldsExactlyAsync(receipts, agents, expectedVersion: 6);
        output.WriteLine($"done in {watch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task Three_silos_starting_at_once_on_a_fresh_database_install_the_schema_once_and_all_become_active()
    {
        var watch = Stopwatch.StartNew();
        var silos = Enumerable.Range(0, 3).Select(_ => StartSilo()).ToList();
        await ClusterTables.WaitForMembersAsync(_database, m => ActivePorts(m).SetEquals(silos.Select(s => s.SiloPort)), StartTimeout,
            "all three silos Active", Output, Broken);
        output.WriteLine($"three silos Active after {watch.Elapsed.TotalSeconds:F1} s");

        Assert.All(silos, s => Assert.False(s.HasExited, s.RecentOutput));
        Assert.Equal(
            ["CleanupDefunctSiloEntriesKey", "DeleteMembershipTableEntriesKey", "GatewaysQueryKey", "InsertMembershipKey", "InsertMembershipVersionKey",
             "MembershipReadAllKey", "MembershipReadRowKey", "UpdateIAmAlivetimeKey", "UpdateMembershipKey"],
            await ClusterTables.QueryKeysAsync(_database));
        // One silo installed; the others, waiting on the advisory lock, found it installed and wrote nothing.
        Assert.Equal(1, silos.Count(s => s.RecentOutput.Contains("Installed the cluster membership schema", StringComparison.Ordinal)));
    }

    /// <summary>
    /// Three silos, hundreds of agents driven through every gateway, one silo SIGKILLed under load and restarted on its
    /// ports. Prints how long after the kill every aggregate answers again (a command issued after the kill acknowledged)
    /// and how many commands were in flight at the kill; asserts only correctness: every acknowledged event is in the
    /// journal once, versions have no gaps or forks, commands in flight at the kill (retried with their event ids) land
    /// once, the AgentState projection (one active generation, its checkpoint never going back) converges to the
    /// journal, and the restarted silo rejoins and serves commands.
    /// </summary>
    [Fact]
    public async Task Killing_one_of_three_silos_under_load_loses_no_acknowledged_event_and_forks_nothing()
    {
        var silos = Enumerable.Range(0, 3).Select(_ => StartSilo()).ToList();
        await ClusterTables.WaitForMembersAsync(_database, m => ActivePorts(m).SetEquals(silos.Select(s => s.SiloPort)), StartTimeout,
            "all three silos Active", Output, Broken);
        var agents = Enumerable.Range(0, KillAggregates).Select(i => $"kill-agent-{i}").ToArray();
        var acks = new ConcurrentQueue<EventReceipt>();
        var findings = new ConcurrentQueue<string>();
        var inFlight = new ConcurrentDictionary<string, string>(); // agent -> event id of its command not yet acknowledged
        var retried = new ConcurrentDictionary<string, int>(); // event id -> failed attempts
        var killedAtTicks = long.MaxValue; // clock ticks, set once at the kill
        var clock = Stopwatch.StartNew();
        var recoveredAt = new ConcurrentDictionary<string, TimeSpan>();
        using var stop = new CancellationTokenSource();
        using var stopSampling = new CancellationTokenSource();
        await using var client = await SiloClient.ConnectToClusterAsync(_database, StartTimeout, TimeSpan.FromSeconds(1));

        // The AgentState projection's catalog row, read with plain SQL every ~100 ms for the whole run.
        var samples = new ConcurrentQueue<(TimeSpan At, int Active, long Checkpoint)>();
        var sampling = Task.Run(async () =>
        {
            while (!stopSampling.IsCancellationRequested)
            {
                var (active, checkpoint) = await ClusterTables.ProjectionGenerationAsync(_database, AgentStateProjection);
                samples.Enqueue((clock.Elapsed, active, checkpoint));
                try { await Task.Delay(TimeSpan.FromMilliseconds(100), stopSampling.Token); } catch (OperationCanceledException) { }
            }
        });

        // Each agent runs its commands one after another; a failed command (only expected after the kill) is retried with
        // the same event id until acknowledged, so every command ends acknowledged exactly once.
        var load = Task.WhenAll(agents.Select(agent => Task.Run(async () =>
        {
            var grain = client.Client.GetGrain<IAgentGrain>(agent);
            for (var step = 0; !stop.IsCancellationRequested; step++)
            {
                var context = new CommandContext { EventId = $"{agent}-e{step + 1}" };
                var job = $"{agent}-job-{(step - 2) / 2}";
                inFlight[agent] = context.EventId;
                while (!stop.IsCancellationRequested)
                {
                    var issued = clock.Elapsed;
                    try
                    {
                        var receipt = await (step switch
                        {
                            0 => grain.Spawn("cluster-worker", AgentDomain.Core, ["csharp"], context),
                            1 => grain.Start(context),
                            _ when step % 2 == 0 => grain.AssignTask(job, context),
                            _ => grain.CompleteTask(job, "done", context),
                        }).WaitAsync(TimeSpan.FromSeconds(10));
                        if ((receipt.EventId, receipt.Version) != (context.EventId, step + 1)) findings.Enqueue($"{agent}: receipt {receipt} for step {step + 1}");
                        acks.Enqueue(receipt);
                        inFlight.TryRemove(agent, out _);
                        if (issued.Ticks > Interlocked.Read(ref killedAtTicks)) recoveredAt.TryAdd(agent, clock.Elapsed);
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        if (clock.Elapsed.Ticks < Interlocked.Read(ref killedAtTicks)) findings.Enqueue($"{agent} step {step + 1} failed before the kill: {e.GetType().Name}: {e.Message}");
                        retried.AddOrUpdate(context.EventId, 1, (_, n) => n + 1);
                        await Task.Delay(TimeSpan.FromMilliseconds(100));
                    }
                }
            }
        })));

        while (acks.Count < KillAggregates * 4 && findings.IsEmpty) await Task.Delay(TimeSpan.FromMilliseconds(50)); // under way on every agent
        // The client reached every gateway (silos dial each other on silo ports, never on gateway ports).
        foreach (var silo in silos)
            Assert.True(ListeningSockets.EstablishedTo(silo.GatewayPort) > 0, $"no connection to gateway {silo.GatewayPort}");
        var victim = silos[1];
        _ended.Add(victim);
        var pendingBefore = inFlight.Values.ToHashSet();
        var killedAt = clock.Elapsed;
        Interlocked.Exchange(ref killedAtTicks, killedAt.Ticks);
        victim.Kill();
        // In flight at the kill: issued before it and still unanswered once the process is gone (a command's id names it).
        var inFlightAtKill = inFlight.Values.Where(pendingBefore.Contains).ToList();
        var before = acks.Count;
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(90);
        while (recoveredAt.Count < KillAggregates && clock.Elapsed < deadline && findings.IsEmpty) await Task.Delay(TimeSpan.FromMilliseconds(50));
        var recovery = recoveredAt.IsEmpty ? TimeSpan.Zero : recoveredAt.Values.Max() - killedAt;
        await stop.CancelAsync();
        await load;
        var projector = client.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
        var statusAfterKill = await projector.GetStatus();

        output.WriteLine($"{before} events acknowledged before the SIGKILL, {inFlightAtKill.Count} commands in flight at it "
                         + $"({inFlightAtKill.Count(retried.ContainsKey)} of them failed at least once and were retried with their event ids); "
                         + $"every one of {recoveredAt.Count}/{KillAggregates} aggregates answered again {recovery.TotalSeconds:F1} s after it; "
                         + $"{acks.Count} acknowledged in all; AgentState after the kill: {statusAfterKill}");
        Assert.Empty(findings);
        Assert.Equal(KillAggregates, recoveredAt.Count);

        // The killed silo restarts on its ports, is Active again (a new generation) and hosts agents it serves commands to.
        var again = StartSilo((victim.SiloPort, victim.GatewayPort));
        await ClusterTables.WaitForMembersAsync(_database, m => ActivePorts(m).SetEquals(silos.Select(s => s.SiloPort))
                && m.Count(r => r.Port == again.SiloPort) == 2, StartTimeout, "the restarted silo Active again (a new generation)", Output, Broken);
        var management = client.Client.GetGrain<IManagementGrain>(0);
        var restarted = (await management.GetHosts(onlyActive: true)).Keys.Single(a => a.Endpoint.Port == again.SiloPort);
        var rejoined = new List<string>();
        var hostedThere = 0;
        for (var batch = 0; batch < 10 && hostedThere == 0; batch++)
        {
            var fresh = Enumerable.Range(batch * 30, 30).Select(i => $"rejoin-agent-{i}").ToArray();
            rejoined.AddRange(fresh);
            var receipts = new ConcurrentBag<EventReceipt>();
            await DriveRoundAsync(client.Client, fresh, 0, receipts);
            await DriveRoundAsync(client.Client, fresh, 1, receipts);
            foreach (var receipt in receipts) acks.Enqueue(receipt);
            hostedThere = (await management.GetDetailedGrainStatistics(hostsIds: [restarted]))
                .Count(g => g.GrainId.Key.ToString()!.StartsWith("rejoin-agent-", StringComparison.Ordinal));
        }
        output.WriteLine($"restarted silo Active again; {hostedThere} of {rejoined.Count} new agents live on it and were served there; "
                         + $"client connections to its gateway: {ListeningSockets.EstablishedTo(again.GatewayPort)}");
        Assert.True(hostedThere > 0, $"none of {rejoined.Count} new agents was placed on the restarted silo");

        // The journal: every acknowledged event once, where its receipt said; versions 1..n; nothing unacknowledged.
        var rows = await ClusterTables.EventsAsync(_database);
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
        var byId = rows.ToDictionary(r => r.Id);
        var found = 0;
        foreach (var ack in acks)
        {
            Assert.True(byId.TryGetValue(ack.EventId, out var row), $"acknowledged event {ack.EventId} is not in the journal");
            Assert.Equal((ack.AggregateId, ack.Version, ack.Position), (row.AggregateId, row.Version, row.Position));
            found++;
        }
        var forks = rows.GroupBy(r => (r.AggregateId, r.Version)).Count(g => g.Count() > 1);
        Assert.Equal(0, forks);
        foreach (var stream in rows.GroupBy(r => r.AggregateId))
            Assert.Equal(Enumerable.Range(1, stream.Count()).Select(v => $"{stream.Key}-e{v}"), stream.OrderBy(r => r.Version).Select(r => r.Id));
        Assert.Equal(acks.Select(a => a.EventId).Distinct().Count(), rows.Count);
        Assert.All(inFlightAtKill, id => Assert.Single(acks, a => a.EventId == id));
        Assert.True(agents.All(a => rows.Any(r => r.AggregateId == a)), "an agent of the load has no events");

        // AgentState converges to the fold of the journal's rows.
        var head = rows[^1].Position;
        var caughtUp = await projector.CatchUp();
        Assert.Equal((head, (string?)null), (caughtUp.Checkpoint, caughtUp.Problem));
        var records = new List<AgentRecord>();
        for (string? after = null; ;)
        {
            var page = await projector.GetAll(after);
            records.AddRange(page.Items);
            if ((after = page.Next) is null) break;
        }
        var journal = rows.Where(r => r.AggregateType == AggregateTypes.Agent).GroupBy(r => r.AggregateId).ToDictionary(g => g.Key, g =>
        (
            Status: g.MaxBy(r => r.Version)!.Type switch
            {
                "agent:spawned" or "agent:task-completed" => AgentStatus.Idle,
                "agent:started" or "agent:task-assigned" => AgentStatus.Active,
                var other => throw new InvalidOperationException($"the load wrote no {other}"),
            },
            Tasks: g.Count(r => r.Type == "agent:task-assigned"),
            Completed: g.Count(r => r.Type == "agent:task-completed")));
        Assert.Equal(journal.Keys.Order(), records.Select(r => r.AgentId).Order());
        foreach (var record in records)
            Assert.Equal(journal[record.AgentId], (record.Status, record.TaskCount, record.CompletedTasks));
        Assert.Single(await management.GetActiveGrains(GrainType.Create(ProjectorType)), id => id.Key.ToString() == AgentStateProjection);

        // Its catalog row: one active generation whenever there is one, its checkpoint never going back, and past the kill.
        await stopSampling.CancelAsync();
        await sampling;
        var (finalActive, finalCheckpoint) = await ClusterTables.ProjectionGenerationAsync(_database, AgentStateProjection);
        samples.Enqueue((clock.Elapsed, finalActive, finalCheckpoint));
        var seen = samples.SkipWhile(s => s.Active == 0).ToList();
        Assert.All(seen, s => Assert.Equal(1, s.Active));
        for (var i = 1; i < seen.Count; i++)
            Assert.True(seen[i].Checkpoint >= seen[i - 1].Checkpoint, $"checkpoint went from {seen[i - 1].Checkpoint} to {seen[i].Checkpoint} at {seen[i].At.TotalSeconds:F1} s");
        var atKill = seen.LastOrDefault(s => s.At <= killedAt).Checkpoint;
        Assert.True(finalCheckpoint > atKill, $"checkpoint {finalCheckpoint} at the end, {atKill} at the kill");
        Assert.Equal(head, finalCheckpoint);

        output.WriteLine($"events acknowledged {acks.Select(a => a.EventId).Distinct().Count()}, found where acknowledged {found}, journal {rows.Count} events "
                         + $"in {rows.Select(r => r.AggregateId).Distinct().Count()} aggregates, forks {forks}; in flight at the kill {inFlightAtKill.Count}, each landed once; "
                         + $"AgentState {records.Count} records equal the journal's fold at {head}; {seen.Count} checkpoint samples, "
                         + $"{atKill} at the kill, {finalCheckpoint} at the end, one active generation in each; one projector activation");
    }

    private SiloProcess StartSilo((int Silo, int Gateway)? ports = null)
    {
        var silo = SiloProcess.Start(SiloProcess.BuiltSiloAssembly, _folder, new Dictionary<string, string>
        {
            ["EventStore:Journal:Provider"] = "Postgres",
            ["EventStore:Journal:ConnectionString"] = _database,
            ["EventStore:Cluster:Provider"] = "Postgres",
        }, ports);
        _silos.Add(silo);
        return silo;
    }

    private string? Broken() => _silos.Except(_ended).FirstOrDefault(s => s.HasExited) is { } dead
        ? $"the silo on port {dead.SiloPort} exited:{Environment.NewLine}{dead.RecentOutput}"
        : null;

    private static HashSet<int> ActivePorts(List<Member> members) => members.Where(m => m.Status == Member.Active).Select(m => m.Port).ToHashSet();

    private string Output() => string.Join(Environment.NewLine, _silos.Select(s => $"--- silo {s.SiloPort} (exited: {s.HasExited}):{Environment.NewLine}{s.RecentOutput}"));

    /// <summary>One command on every agent at once (spawn, start, then assign and complete jobs); checks each receipt's version.</summary>
    private static Task DriveRoundAsync(IClusterClient client, string[] agents, int round, ConcurrentBag<EventReceipt> receipts) =>
        Task.WhenAll(agents.Select(async agent =>
        {
            var grain = client.GetGrain<IAgentGrain>(agent);
            var context = new CommandContext { EventId = $"{agent}-e{round + 1}" };
            var job = $"{agent}-job-{(round - 2) / 2}";
            var receipt = round switch
            {
                0 => await grain.Spawn("cluster-worker", AgentDomain.Core, ["csharp"], context),
                1 => await grain.Start(context),
                _ when round % 2 == 0 => await grain.AssignTask(job, context),
                _ => await grain.CompleteTask(job, "done", context),
            };
            Assert.Equal((context.EventId, agent, (long)round + 1), (receipt.EventId, receipt.AggregateId, receipt.Version));
            receipts.Add(receipt);
        }));

    /// <summary>Every receipt's event is in the journal once, at its position and version, and each agent's versions are 1..n with no other rows.</summary>
    private async Task AssertJournalHoldsExactlyAsync(IEnumerable<EventReceipt> receipts, string[] agents, long expectedVersion)
    {
        var rows = await ClusterTables.EventsAsync(_database);
        var byId = rows.GroupBy(r => r.Id).ToDictionary(g => g.Key, g => g.ToList());
        foreach (var receipt in receipts)
        {
            Assert.True(byId.TryGetValue(receipt.EventId, out var found) && found.Count == 1, $"event {receipt.EventId} is in the journal {found?.Count ?? 0} times");
            Assert.Equal((receipt.AggregateId, receipt.Version, receipt.Position), (found![0].AggregateId, found[0].Version, found[0].Position));
        }
        foreach (var agent in agents)
            Assert.Equal(Enumerable.Range(1, (int)expectedVersion).Select(v => (long)v), rows.Where(r => r.AggregateId == agent).Select(r => r.Version).Order());
        Assert.Equal(agents.Length * expectedVersion, rows.Count);
    }
}
