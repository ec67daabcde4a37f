using System.Diagnostics;
using EventStore.Benchmarks.Measuring;
using EventStore.Benchmarks.Reporting;
using EventStore.Store;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// W4, replay: the whole log in global order through <see cref="EventStoreGrainExtensions.Replay"/> on the
/// client, with pages of 1,000 (the default) or 10,000 (the store's largest page), every envelope checked
/// to follow the one before. Compared with a raw SELECT of the same table (<see cref="Baselines.RawRead.All"/>).
/// </summary>
internal static class W4Replay
{
    public static async Task Run(BenchContext bench, IClusterClient client, int pageSize)
    {
        var store = client.GetEventStore();
        await Replay(store, pageSize, limit: 50_000); // warm-up
        BenchContext.Progress($"W4 eventstore: replay of the whole log, pages of {pageSize}");
        var cpu = CpuMeter.Start();
        var start = Stopwatch.GetTimestamp();
        var events = await Replay(store, pageSize, long.MaxValue);
        var seconds = Latencies.Seconds(start, Stopwatch.GetTimestamp());
        bench.Add(Result.Rate("eventstore", $"replay page {pageSize}", "W4", bench.Sync, events, seconds, null, null) with
        {
            CpuUsPerEvent = cpu.PerEvent(events),
            Note = "client side, payloads deserialized to typed events",
        });
    }

    private static async Task<long> Replay(IEventStoreGrain store, int pageSize, long limit)
    {
        long events = 0, last = 0;
        await foreach (var envelope in store.Replay(0, pageSize))
        {
            if (envelope.Position <= last) throw new InvalidOperationException($"W4: position {envelope.Position} after {last}");
            last = envelope.Position;
            if (++events >= limit) break;
        }
        return events;
    }
}
