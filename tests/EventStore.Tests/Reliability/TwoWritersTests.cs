using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Xunit.Abstractions;
using static EventStore.Tests.Reliability.ReliabilityKit;

namespace EventStore.Tests.Reliability;

/// <summary>
/// Two independent clusters (different cluster and service ids) on the SAME journal file: each can
/// activate the same aggregate, so one aggregate has two writers that know nothing of each other.
/// On PostgreSQL (<see cref="TwoClustersOnOneDatabase"/>) the same on one database: two silos of a server-backed journal.
/// </summary>
public class TwoClustersOnOneFile : IAsyncLifetime
{
    private readonly string _path = ReliabilityCluster.NewDatabasePath();
    private string? _postgres;

    /// <summary>The journal's backend: SQLite here, PostgreSQL in <see cref="TwoClustersOnOneDatabase"/>.</summary>
    public virtual JournalProvider Provider => JournalProvider.Sqlite;

    /// <summary>The first cluster.</summary>
    public ReliabilityCluster A { get; private set; } = null!;

    /// <summary>The second cluster, on the same file.</summary>
    public ReliabilityCluster B { get; private set; } = null!;

    /// <summary>The shared journal's rows.</summary>
    public IJournalRows Journal => A.Journal;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        // Both write the file: give the loser of the SQLite write lock time to wait for the winner's commit. Snapshots
        // every 5 events, so that both writers save snapshots of the same streams and rebuild from each other's.
        static void Configure(JournalOptions j) => (j.BusyTimeout, j.AppendTimeout, j.SnapshotInterval) = (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5), 5);
        if (Provider == JournalProvider.Postgres) _postgres = await PostgresServer.CreateDatabaseAsync("two_writers");
        A = await ReliabilityCluster.StartAsync(_path, Configure, clusterId: "writer-a", serviceId: "reliability-writer-a", postgres: _postgres);
        B = await ReliabilityCluster.StartAsync(_path, Configure, clusterId: "writer-b", serviceId: "reliability-writer-b", postgres: _postgres);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (B is not null) await B.DisposeAsync();
        if (A is not null) await A.DisposeAsync();
        if (_postgres is not null) await PostgresServer.DropDatabaseAsync(_postgres);
        ReliabilityCluster.DeleteFolder(_path);
    }
}

/// <summary>Two independent clusters on the same PostgreSQL journal database.</summary>
public sealed class TwoClustersOnOneDatabase : TwoClustersOnOneFile
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

[CollectionDefinition(Name)]
public sealed class TwoWritersCollection : ICollectionFixture<TwoClustersOnOneFile>
{
    public const string Name = "two-writers";
}

[CollectionDefinition(Name)]
public sealed class PostgresTwoWritersCollection : ICollectionFixture<TwoClustersOnOneDatabase>
{
    public const string Name = "two-writers-postgres";
}

/// <summary>
/// Two writers for one aggregate: no version is ever written twice, each append is either acknowledged
/// and present at its version or refused with a clear conflict error (decided on the caught-up state),
/// and both activations end equal to the fold of the journal.
/// </summary>
public abstract class TwoWritersTests(TwoClustersOnOneFile clusters, ITestOutputHelper output)
{
    private const int CallersPerCluster = 2;
    private const int Rounds = 15;

    [Fact]
    public async Task Two_clusters_racing_commands_on_one_agent_never_fork_it_and_both_end_at_the_journal_state()
    {
        var id = Ids.New("agent");
        var (a, b) = (clusters.A.Client.GetGrain<IAgentGrain>(id), clusters.B.Client.GetGrain<IAgentGrain>(id));
        var acks = new ConcurrentBag<EventReceipt> { await a.Spawn("coder", AgentDomain.Core, []), await b.Start() }; // B catches up with A's spawn
        var refusals = new ConcurrentBag<Exception>();
        var unexpected = new ConcurrentBag<string>();

        async Task Caller(IAgentGrain agent, string side)
        {
            for (var round = 0; round < Rounds; round++)
            {
                var job = $"{side}-job-{round}";
                try
                {
                    acks.Add(await agent.AssignTask(job));
                    acks.Add(await agent.CompleteTask(job, $"done by {side}"));
                }
                catch (Exception ex) when (ex is ConcurrencyConflictException or InvalidTransitionException)
                {
                    refusals.Add(ex);
                }
                catch (Exception ex)
                {
                    unexpected.Add($"{side} round {round}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, CallersPerCluster).SelectMany(c => new[] { Caller(a, $"a{c}"), Caller(b, $"b{c}") })).WaitAsync(NoHang);

        Assert.Empty(unexpected);
        var rows = clusters.Journal.Rows(id);
        AssertNoForkAndEveryAckPresent(rows, acks);
        Assert.Equal(rows.Count, acks.Count); // every refused command wrote nothing
        // A refusal was decided on the caught-up state: the job it names as the agent's current one was really assigned, by either cluster.
        var assigned = rows.Where(r => r.Type == "agent:task-assigned").Select(r => JsonDocument.Parse(r.Payload).RootElement.GetProperty("taskId").GetString()).ToHashSet();
        foreach (var refusal in refusals.OfType<InvalidTransitionException>())
            foreach (Match named in Regex.Matches(refusal.Message, "(?:busy with task|current task is) '([^']+)'"))
                Assert.True(assigned.Contains(named.Groups[1].Value), $"refused because of '{named.Groups[1].Value}', which the journal never assigned: {refusal.Message}");
        var both = new[] { await a.GetState(), await b.GetState() };
        var folded = Json(Fold<AgentView>(await clusters.A.Client.GetEventStore().GetEvents(id)));
        Assert.All(both, state => Assert.Equal(folded, Json(state)));
        // Fresh activations rebuild from the latest snapshot (written by either cluster) plus the tail: the same state.
        await clusters.A.DeactivateAsync(a);
        await clusters.B.DeactivateAsync(b);
        Assert.Equal(folded, Json(await a.GetState()));
        Assert.Equal(folded, Json(await b.GetState()));
        output.WriteLine($"agent: {acks.Count} events acknowledged and present, {refusals.Count(r => r is ConcurrencyConflictException)} conflicts, " +
            $"{refusals.Count(r => r is InvalidTransitionException)} refused on the caught-up state, 0 forks");
        Assert.True(rows.Count(r => r.Type == "agent:task-completed") > 0, "no job completed: the race proved nothing");
    }

    [Fact]
    public async Task Two_clusters_raising_events_on_one_journaled_grain_lose_none_and_write_none_twice()
    {
        var id = Ids.New("note");
        var (a, b) = (clusters.A.Client.GetGrain<INoteGrain>(id), clusters.B.Client.GetGrain<INoteGrain>(id));
        var raised = new ConcurrentBag<(string Text, long Version)>();

        async Task Caller(INoteGrain grain, string side)
        {
            for (var i = 0; i < Rounds; i++)
            {
                var text = $"{side}-{i}";
                raised.Add((text, await grain.Raise(new NoteAdded(text))));
            }
        }

        await Task.WhenAll(Enumerable.Range(0, CallersPerCluster).SelectMany(c => new[] { Caller(a, $"a{c}"), Caller(b, $"b{c}") })).WaitAsync(NoHang);

        var rows = clusters.Journal.Rows(id);
        JournalAssert.IsConsistent(rows);
        var stored = rows.Select(r => (JsonDocument.Parse(r.Payload).RootElement.GetProperty("text").GetString()!, r.Version)).ToList();
        Assert.Equal(raised.OrderBy(r => r.Version), stored.OrderBy(r => r.Version)); // each raise once, at the version it was confirmed at
        Assert.Equal(2 * CallersPerCluster * Rounds, rows.Count);
        await a.Refresh();
        await b.Refresh();
        var expected = rows.Select(r => r.Id).ToList();
        Assert.Equal(expected, (await a.GetApplied()).Select(e => e.Id));
        Assert.Equal(expected, (await b.GetApplied()).Select(e => e.Id));
    }

    [Fact]
    public async Task Two_clusters_appending_with_expected_versions_to_one_stream_conflict_clearly_and_never_fork()
    {
        var id = Ids.New("ledger");
        var acks = new ConcurrentBag<EventReceipt>();
        var conflicts = new ConcurrentBag<ConcurrencyConflictException>();

        async Task Caller(IEventStoreGrain store, string side)
        {
            for (var i = 0; i < Rounds; i++)
            {
                var expected = (await store.GetEvents(id)).Count;
                try
                {
                    acks.AddRange((await store.Append(id, "ledger", [Note($"{side}-{i}-a"), Note($"{side}-{i}-b")], expectedVersion: expected)).Events);
                }
                catch (ConcurrencyConflictException ex)
                {
                    conflicts.Add(ex);
                }
            }
        }

        var (storeA, storeB) = (clusters.A.Client.GetEventStore(), clusters.B.Client.GetEventStore());
        await Task.WhenAll(Enumerable.Range(0, CallersPerCluster).SelectMany(c => new[] { Caller(storeA, $"a{c}"), Caller(storeB, $"b{c}") })).WaitAsync(NoHang);

        var rows = clusters.Journal.Rows(id);
        AssertNoForkAndEveryAckPresent(rows, acks);
        Assert.Equal(rows.Count, acks.Count);
        Assert.All(conflicts, c => Assert.Matches("expected version \\d+, but it is at version \\d+", c.Message));
        Assert.All(conflicts, c => Assert.True(c.ActualVersion > c.ExpectedVersion, c.Message));
        Assert.Equal(rows.Select(r => r.Id), (await storeB.GetEvents(id)).Select(e => e.Id));
        output.WriteLine($"store: {acks.Count} events acknowledged and present, {conflicts.Count} appends refused with a version conflict, 0 forks");
    }

    /// <summary>No version written twice, versions contiguous, and every acknowledged receipt stored as it said.</summary>
    private static void AssertNoForkAndEveryAckPresent(IReadOnlyList<JournalRow> rows, IEnumerable<EventReceipt> acks)
    {
        JournalAssert.IsConsistent(rows);
        Assert.DoesNotContain(rows.GroupBy(r => r.Version), g => g.Count() > 1);
        var byId = rows.ToDictionary(r => r.Id);
        var receipts = acks.ToList();
        Assert.DoesNotContain(receipts.GroupBy(r => r.Version), g => g.Select(r => r.EventId).Distinct().Count() > 1); // no version acknowledged twice
        foreach (var ack in receipts)
        {
            Assert.True(byId.TryGetValue(ack.EventId, out var row), $"acknowledged {ack} is not in the journal");
            Assert.Equal((ack.AggregateId, ack.Version, ack.Position), (row.AggregateId, row.Version, row.Position));
        }
    }
}

internal static class BagExtensions
{
    public static void AddRange<T>(this ConcurrentBag<T> bag, IEnumerable<T> items)
    {
        foreach (var item in items) bag.Add(item);
    }
}

[Collection(TwoWritersCollection.Name)]
public sealed class TwoWritersTests_Sqlite(TwoClustersOnOneFile clusters, ITestOutputHelper output) : TwoWritersTests(clusters, output);

[Collection(PostgresTwoWritersCollection.Name)]
public sealed class TwoWritersTests_Postgres(TwoClustersOnOneDatabase clusters, ITestOutputHelper output) : TwoWritersTests(clusters, output);
