using Akka.Actor;
using EventStore.Benchmarks.Grains;
using EventStore.Benchmarks.Hosting;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Benchmarks.Workloads;

namespace EventStore.Benchmarks.Baselines;

/// <summary>
/// Akka.NET with Akka.Persistence.Sql (bench-only dependency) on SQLite, the nearest actor peer of the product: one
/// <see cref="AkkaBenchActor"/> per aggregate, one command per event sent with <c>Ask</c> from the driver and
/// answered once <c>Persist</c> was confirmed by the journal. The plugin's defaults, on a fresh file per run at the
/// run's <c>synchronous</c> in WAL mode (<see cref="AkkaSqliteSystem"/>). W1: 1,000 actors x 100 events, 64
/// commands in flight; W2: one actor, one command at a time. The actors recover (an empty journal) before the
/// timed part. After each run the journal table is read back (<see cref="AkkaJournal"/>) before anything is
/// reported.
/// </summary>
internal static class AkkaBaseline
{
    private const string System = "akka";
    private const string Variant = "persistent-actor";
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(60);

    public static async Task RunW1(BenchContext bench)
    {
        var (aggregates, events, inFlight) = (bench.Scale.W1Aggregates, bench.Scale.W1EventsPerAggregate, bench.Scale.InFlight);
        BenchContext.Progress($"W1 akka: {aggregates} persistent actors x {events} events, {inFlight} in flight");
        using var database = new TempDatabase();
        DriveOutcome outcome;
        string connections;
        var expected = new Dictionary<string, long>();
        await using (var akka = AkkaSqliteSystem.Start(database.Path, bench.Durability, "akka-w1"))
        {
            var warmup = await Actors(akka, "warmup", inFlight, 20, expected);
            await ConcurrentDriver.RunAsync(warmup.Length, 20, inFlight, (a, seq) => Append(warmup, a, seq));
            var actors = await Actors(akka, "agg", aggregates, events, expected);
            outcome = await ConcurrentDriver.RunAsync(aggregates, events, inFlight, (a, seq) => Append(actors, a, seq));
            connections = akka.CheckConnections();
        }
        var journal = AkkaJournal.Verify(database.Path, expected);
        var failures = outcome.Failures > 0 ? $"; {outcome.Failures} failed commands retried, first: {outcome.FirstError}" : "";
        bench.Add(Result.Rate(System, Variant, "W1", bench.Sync, outcome.Events, outcome.Seconds,
            outcome.Latencies.Percentile(50), outcome.Latencies.Percentile(99)) with
        {
            CpuUsPerEvent = outcome.CpuUsPerEvent,
            Note = $"{aggregates}x{events}; one Persist per Ask; {journal.Describe()}; {connections}{failures}",
        });
    }

    public static async Task RunW2(BenchContext bench)
    {
        var events = bench.Scale.W2Events;
        BenchContext.Progress($"W2 akka: {events} sequential events to one persistent actor");
        using var database = new TempDatabase();
        SequentialRun run;
        string connections;
        var expected = new Dictionary<string, long>();
        await using (var akka = AkkaSqliteSystem.Start(database.Path, bench.Durability, "akka-w2"))
        {
            var warmup = await Actors(akka, "w2-warmup", 1, bench.Scale.W2Window, expected);
            await SequentialRun.RunAsync(bench.Scale.W2Window, seq => Append(warmup, 0, seq));
            var actor = await Actors(akka, "w2-aggregate", 1, events, expected);
            run = await SequentialRun.RunAsync(events, seq => Append(actor, 0, seq));
            connections = akka.CheckConnections();
        }
        var journal = AkkaJournal.Verify(database.Path, expected);
        W2SequentialAppend.Report(bench, System, Variant, run, events, $"one Persist per Ask; {journal.Describe()}; {connections}");
    }

    private static Task<long> Append(IActorRef[] actors, int actor, long seq) => actors[actor].Ask<long>(new AkkaAppend(seq), AskTimeout);

    /// <summary>
    /// <paramref name="count"/> actors named <c>prefix-NNNNNN</c>, each recovered (its first answer comes after
    /// recovery); records the events each will get in <paramref name="expected"/>.
    /// </summary>
    private static async Task<IActorRef[]> Actors(AkkaSqliteSystem akka, string prefix, int count, long events, Dictionary<string, long> expected)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D6}").ToArray();
        var actors = ids.Select(id => akka.System.ActorOf(AkkaBenchActor.Props(id), id)).ToArray();
        var versions = await Task.WhenAll(actors.Select(a => a.Ask<long>(AkkaGetVersion.Instance, AskTimeout)));
        if (versions.Any(v => v != 0)) throw new InvalidOperationException($"akka: fresh actors '{prefix}-*' recovered events from a fresh journal");
        foreach (var id in ids) expected[id] = events;
        return actors;
    }
}
