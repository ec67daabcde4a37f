using System.Collections.Concurrent;
using System.Diagnostics;
using EventStore.Aggregates;
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
    /// Prints how long after a SIGKILL every aggregate answers again (a command issued after the kill acknowledged);
    /// asserts only correctness: every acknowledged event is in the journal once, versions have no gaps or forks.
    /// </summary>
    [Fact]
    public async Task Killing_one_of_three_silos_under_load_loses_no_acknowledged_event_and_forks_nothing()
    {
        var silos = Enumerable.Range(0, 3).Select(_ => StartSilo()).ToList();
        await ClusterTables.WaitForMembersAsync(_database, m => ActivePorts(m).SetEquals(silos.Select(s => s.SiloPort)), StartTimeout,
            "all three silos Active", Output, Broken);
        var agents = Enumerable.Range(0, Aggregates).Select(i => $"kill-agent-{i}").ToArray();
        var acks = new ConcurrentQueue<EventReceipt>();
        var findings = new ConcurrentQueue<string>();
        var killedAtTicks = long.MaxValue; // clock ticks, set once at the kill
        var clock = Stopwatch.StartNew();
        var recoveredAt = new ConcurrentDictionary<string, TimeSpan>();
        using var stop = new CancellationTokenSource();
        await using var client = await SiloClient.ConnectToClusterAsync(_database, StartTimeout, TimeSpan.FromSeconds(1));

        // Each agent runs its commands one after another; a failed command (only expected after the kill) is retried with
        // the same event id until acknowledged, so every command ends acknowledged exactly once.
        var load = Task.WhenAll(agents.Select(agent => Task.Run(async () =>
        {
            var grain = client.Client.GetGrain<IAgentGrain>(agent);
            for (var step = 0; !stop.IsCancellationRequested; step++)
            {
                var context = new CommandContext { EventId = $"{agent}-e{step + 1}" };
                var job = $"{agent}-job-{(step - 2) / 2}";
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
                        if (issued.Ticks > Interlocked.Read(ref killedAtTicks)) recoveredAt.TryAdd(agent, clock.Elapsed);
                        break;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        if (clock.Elapsed.Ticks < Interlocked.Read(ref killedAtTicks)) findings.Enqueue($"{agent} step {step + 1} failed before the kill: {e.GetType().Name}: {e.Message}");
                        await Task.Delay(TimeSpan.FromMilliseconds(100));
                    }
                }
            }
        })));

        while (acks.Count < Aggregates * 4) await Task.Delay(TimeSpan.FromMilliseconds(50)); // under way on every agent
        var victim = silos[1];
        _ended.Add(victim);
        var killedAt = clock.Elapsed;
        Interlocked.Exchange(ref killedAtTicks, killedAt.Ticks);
        victim.Kill();
        var before = acks.Count;
        var deadline = clock.Elapsed + TimeSpan.FromSeconds(90);
        while (recoveredAt.Count < Aggregates && clock.Elapsed < deadline && findings.IsEmpty) await Task.Delay(TimeSpan.FromMilliseconds(50));
        var recovery = recoveredAt.IsEmpty ? TimeSpan.Zero : recoveredAt.Values.Max() - killedAt;
        await stop.CancelAsync();
        await load;

        output.WriteLine($"{before} events acknowledged before the SIGKILL; every one of {recoveredAt.Count}/{Aggregates} aggregates answered again "
                         + $"{recovery.TotalSeconds:F1} s after it; {acks.Count} acknowledged in all");
        Assert.Empty(findings);
        Assert.Equal(Aggregates, recoveredAt.Count);
        var rows = await ClusterTables.EventsAsync(_database);
        Assert.Equal(rows.Count, rows.Select(r => r.Id).Distinct().Count());
        var byId = rows.ToDictionary(r => r.Id);
        foreach (var ack in acks)
        {
            Assert.True(byId.TryGetValue(ack.EventId, out var row), $"acknowledged event {ack.EventId} is not in the journal");
            Assert.Equal((ack.AggregateId, ack.Version, ack.Position), (row.AggregateId, row.Version, row.Position));
        }
        // Every agent's versions are 1..n with no gap or second branch, and nothing is there that was not acknowledged.
        foreach (var agent in agents)
        {
            var versions = rows.Where(r => r.AggregateId == agent).Select(r => r.Version).Order().ToList();
            Assert.Equal(Enumerable.Range(1, versions.Count).Select(v => (long)v), versions);
        }
        Assert.Equal(acks.Select(a => a.EventId).Distinct().Count(), rows.Count);
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
