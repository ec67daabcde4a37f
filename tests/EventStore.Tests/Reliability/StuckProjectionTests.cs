using System.Diagnostics;
using EventStore.Aggregates;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;
using static EventStore.Tests.Reliability.ReliabilityKit;

namespace EventStore.Tests.Reliability;

/// <summary>
/// A projection stuck on a damaged row, under a stream of commits and a fast timer: it backs off instead
/// of re-reading the journal on every message and tick, logs the problem once and its recovery once, and
/// says what is wrong in its status for as long as it is.
/// </summary>
public abstract class StuckProjectionTests(JournalProvider provider, ITestOutputHelper output)
{
    private const string Projection = "AgentStateProjection";
    private static readonly TimeSpan FlushInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>The longest wait between two retries of a stuck projection (ProjectorGrain's cap).</summary>
    private static readonly TimeSpan MaxRetryInterval = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_projection_stuck_on_a_damaged_row_logs_it_once_backs_off_its_journal_reads_and_logs_its_recovery_once()
    {
        var (path, postgres) = (ReliabilityCluster.NewDatabasePath(), await ReliabilityCluster.NewPostgresDatabaseAsync(provider));
        var log = new CapturedLog();
        try
        {
            await using var cluster = await ReliabilityCluster.StartAsync(path,
                projections: o => o.FlushInterval = FlushInterval, configureSilo: silo => log.AddTo(silo), postgres: postgres);
            var client = cluster.Client;
            var badId = Ids.New("agent");
            var agents = client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
            await client.GetGrain<IAgentGrain>(badId).Spawn("coder", AgentDomain.Core, []);
            await agents.CatchUp();
            // A damaged row written outside the silo: no stream message carries it, so the projection finds it
            // in the journal (on the gap before the next commit, or on its timer) and stops before it.
            cluster.Journal.InsertOutside(badId, "agent", 2, "agent:started", "{broken");
            var damaged = cluster.Journal.Rows(badId).Max(r => r.Position);

            // Every page the projection reads from the journal is a Debug entry of its category: the reads are
            // counted there, not timed.
            var readsBefore = Reads(log);
            var watch = Stopwatch.StartNew();

            // Many commits (each a stream message to the stuck projection) and many timer ticks.
            const int Commits = 120;
            var others = Enumerable.Range(0, Commits / 2).Select(_ => client.GetGrain<IAgentGrain>(Ids.New("agent"))).ToList();
            await Task.WhenAll(others.Select(a => a.Spawn("tester", AgentDomain.Quality, [])));
            await Task.WhenAll(others.Select(a => a.Start()));
            // The projection still retries on its timer: wait for five retries (at least 20, 40, 80, 160, 320 ms apart when backing off: dozens of ticks).
            await Poll.Until(() => Task.FromResult(Reads(log) - readsBefore), reads => reads >= 6, "the stuck projection retries on its timer", NoHang);
            var status = await agents.GetStatus();
            var reads = Reads(log) - readsBefore;
            var elapsed = watch.Elapsed;

            // Retry n comes FlushInterval * 2^n (capped) after the one before: the retries that fit in the time elapsed, plus the first read and one spare.
            var bound = 2 + (int)Math.Ceiling(Math.Log2(elapsed / FlushInterval + 1)) + (int)Math.Ceiling(elapsed / MaxRetryInterval);
            output.WriteLine($"{reads} journal reads while stuck over {elapsed.TotalMilliseconds:0} ms and {Commits} commits (bound {bound}); status {status}");
            var stuckErrors = StuckErrors(log, damaged);
            Assert.True(stuckErrors.Count == 1, $"expected one 'stuck' Error for position {damaged}, got {stuckErrors.Count}");
            Assert.True(reads <= bound, $"the stuck projection read the journal {reads} times in {elapsed.TotalMilliseconds:0} ms; backing off allows at most {bound}");
            Assert.Contains($"position {damaged}", status.Problem);

            // Repaired: the timer's next retry recovers it, logged once; the problem is cleared.
            var repaired = $$"""{"agentId":"{{badId}}","startedAt":"2026-11-27T00:00:00+00:00"}""";
            Assert.Equal(1, cluster.Journal.SetPayload(damaged, repaired));
            var head = cluster.Journal.Rows().Max(r => r.Position);
            var recovered = await Poll.Until(agents.GetStatus, s => s.Problem is null && s.Checkpoint == head, "AgentState recovers after the repair",
                within: TimeSpan.FromSeconds(90));
            Assert.Equal(0, recovered.LagEvents);
            Assert.Equal(Commits / 2 + 1, (await agents.GetAll()).Count);
            Assert.Equal(AgentStatus.Active, (await agents.GetAgent(badId))!.Status);
            Assert.Single(log.Find(Projection, LogLevel.Information, "recovered"));
            Assert.Single(StuckErrors(log, damaged));
            Assert.Null((await agents.CatchUp()).Problem);
            Assert.Single(log.Find(Projection, LogLevel.Information, "recovered"));
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
            await ReliabilityCluster.DropPostgresDatabaseAsync(postgres);
        }
    }

    private static int Reads(CapturedLog log) => log.Find(Projection, LogLevel.Debug, "reads the journal").Count;

    /// <summary>The Errors saying the projection is stuck on the row at <paramref name="position"/> (in the message or its exception).</summary>
    private static List<LogEntry> StuckErrors(CapturedLog log, long position) =>
        [.. log.Find(Projection, LogLevel.Error, "stuck").Where(e => $"{e.Message} {e.Exception}".Contains($"position {position}", StringComparison.Ordinal))];
}

public sealed class StuckProjectionTests_Sqlite(ITestOutputHelper output) : StuckProjectionTests(JournalProvider.Sqlite, output);

public sealed class StuckProjectionTests_Postgres(ITestOutputHelper output) : StuckProjectionTests(JournalProvider.Postgres, output);
