using System.Diagnostics;
using EventStore.Aggregates;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Projections;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// W5, projection lag under W1: W1's shape on the product's own aggregates (<see cref="IAgentGrain.ChangeStatus"/>,
/// toggling idle/active, after a spawn and a start that are not timed), so that the AgentState projection
/// really folds every event. Each command's receipt (position) and acknowledgement time are recorded; a
/// poller reads <c>GetStatus().Checkpoint</c> of the projection every 5 ms. An event's lag is the time from
/// its acknowledgement to the first poll that saw a checkpoint at or past its position (so it includes up
/// to one poll interval and one GetStatus round trip). Also a W1 line for this aggregate.
/// </summary>
internal static class W5ProjectionLag
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(5);

    /// <summary>About 110 bytes of metadata, so that payload and metadata together are about 200 bytes like the other workloads.</summary>
    private static readonly CommandContext Context = new()
    {
        CorrelationId = "bench-w5",
        Metadata = new Dictionary<string, string> { ["note"] = Grains.Payloads.Data[..100] },
    };

    /// <summary>Orleans' default pulling period for memory streams (the product pulls every 10 ms).</summary>
    public static readonly TimeSpan OrleansDefaultPullPeriod = TimeSpan.FromMilliseconds(100);

    /// <summary>W5 as the product runs, or a diagnostic run that removes one or both suspected causes of lag.</summary>
    public enum Setup
    {
        /// <summary>The product's defaults.</summary>
        Product,

        /// <summary>The projections commit every stream message at once: the lag without waiting for a commit.</summary>
        CommitAtOnce,

        /// <summary>The journal stream pulled every 100 ms (Orleans' default) instead of the product's 10 ms.</summary>
        SlowStreams,
    }

    /// <summary>Runs W1 on agent grains with W5's poller. A diagnostic setup reports its W5 line only.</summary>
    public static async Task Run(BenchContext bench, Setup setup = Setup.Product)
    {
        var (aggregates, events) = (bench.Scale.W1Aggregates, bench.Scale.W1EventsPerAggregate);
        BenchContext.Progress($"W1+W5 eventstore agent-grain: {aggregates} agents x {events} ChangeStatus, {bench.Scale.InFlight} in flight, AgentState projection polled ({setup})");
        using var database = new TempDatabase();
        var silo = setup switch
        {
            Setup.CommitAtOnce => Silos.Journal(database.Path, bench.Durability, configureProjections: CommitAtOnce),
            Setup.SlowStreams => Silos.Journal(database.Path, bench.Durability, configureProjections: o => o.StreamPullInterval = OrleansDefaultPullPeriod),
            _ => Silos.Journal(database.Path, bench.Durability),
        };
        DriveOutcome outcome;
        var acks = new Ack[aggregates * events];
        var ackCount = 0;
        List<Sample> samples;
        string? commits;
        await using (var cluster = await BenchCluster.StartAsync(silo))
        {
            var client = cluster.Client;
            await Warmup.AgentGrains(client, bench.Scale.Warmup);
            var agents = Enumerable.Range(0, aggregates).Select(i => client.GetGrain<IAgentGrain>($"agent-{i:D6}")).ToArray();
            await ConcurrentDriver.RunAsync(aggregates, 2, bench.Scale.InFlight, async (a, seq) =>
                (seq == 1 ? await agents[a].Spawn("coder", AgentDomain.Core, ["csharp"]) : await agents[a].Start()).Position);
            var projection = client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
            await WaitFor(projection, (await projection.GetStatus()).HeadPosition, TimeSpan.FromSeconds(60));

            using var probe = new JournalProbe(cluster.SiloServices);
            var before = probe.Read();
            using var stop = new CancellationTokenSource();
            var poller = Task.Run(() => Poll(projection, stop.Token));
            outcome = await ConcurrentDriver.RunAsync(aggregates, events, bench.Scale.InFlight,
                async (a, seq) => (await agents[a].ChangeStatus(seq % 2 == 1 ? AgentStatus.Idle : AgentStatus.Active, Context)).Position,
                onAck: (position, at) => acks[Interlocked.Increment(ref ackCount) - 1] = new Ack(position, at));
            commits = JournalProbe.Describe(before, probe.Read());
            await WaitFor(projection, acks.Take(ackCount).Max(a => a.Position), TimeSpan.FromSeconds(60));
            await Task.Delay(PollInterval * 10); // so that the poller sees it too
            await stop.CancelAsync();
            samples = await poller;
        }

        var notes = new List<string> { $"{aggregates}x{events}", JournalFile.DescribeRows(database.Path, "agent"), "AgentState polled every 5 ms during the run" };
        if (commits is not null) notes.Add(commits);
        if (setup == Setup.Product) bench.Add(Result.Rate("eventstore", "agent-grain ChangeStatus", "W1", bench.Sync, outcome.Events, outcome.Seconds,
            outcome.Latencies.Percentile(50), outcome.Latencies.Percentile(99)) with
        {
            Note = string.Join("; ", notes),
            CpuUsPerEvent = outcome.CpuUsPerEvent,
        });

        var (lags, unresolved) = Lags(acks.AsSpan(0, ackCount), samples);
        var variant = setup switch
        {
            Setup.CommitAtOnce => "AgentState, committing every stream message (diagnostic)",
            Setup.SlowStreams => $"AgentState, stream pulled every {OrleansDefaultPullPeriod.TotalMilliseconds:0} ms (diagnostic)",
            _ => "AgentState projection",
        };
        bench.Add(new Result("eventstore", variant, "W5", bench.Sync, lags.Length, Result.Round(outcome.Seconds, 3), null,
            Result.Round(Latencies.Percentile(lags, 50)), Result.Round(Latencies.Percentile(lags, 99))) with
        {
            Note = $"acknowledgement to checkpoint >= position, {samples.Count} polls every {PollInterval.TotalMilliseconds:0} ms" +
                   (setup != Setup.Product ? $"; W1 rate in this run {outcome.EventsPerSecond:0}/s, p99 {outcome.Latencies.Percentile(99):0.#} ms" : "") +
                   (unresolved > 0 ? $"; {unresolved} events never seen applied" : ""),
        });
    }

    /// <summary>Commits as soon as anything is applied: what the lag would be if commits cost nothing.</summary>
    private static void CommitAtOnce(ProjectionOptions options)
    {
        options.CommitEveryEvents = 1;
        options.CommitInterval = TimeSpan.FromMilliseconds(5);
    }

    private static async Task<List<Sample>> Poll(IAgentStateProjection projection, CancellationToken stop)
    {
        var samples = new List<Sample>();
        while (!stop.IsCancellationRequested)
        {
            var status = await projection.GetStatus();
            samples.Add(new Sample(status.Checkpoint, Stopwatch.GetTimestamp()));
            try
            {
                await Task.Delay(PollInterval, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return samples;
    }

    private static async Task WaitFor(IAgentStateProjection projection, long position, TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while ((await projection.GetStatus()).Checkpoint < position)
        {
            if (Stopwatch.GetTimestamp() > deadline) throw new TimeoutException($"W5: the AgentState projection did not reach position {position} within {timeout.TotalSeconds:0} s");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>Each ack's lag: the first sample at or after the ack whose checkpoint covers the ack's position (both only grow, so binary search).</summary>
    private static (long[] Lags, int Unresolved) Lags(ReadOnlySpan<Ack> acks, List<Sample> samples)
    {
        var lags = new List<long>(acks.Length);
        var unresolved = 0;
        foreach (var ack in acks)
        {
            int low = 0, high = samples.Count;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (samples[middle].At >= ack.At && samples[middle].Checkpoint >= ack.Position) high = middle;
                else low = middle + 1;
            }
            if (low < samples.Count) lags.Add(samples[low].At - ack.At);
            else unresolved++;
        }
        return ([.. lags], unresolved);
    }

    private readonly record struct Ack(long Position, long At);

    private readonly record struct Sample(long Checkpoint, long At);
}
