using System.Diagnostics;
using EventStore.Aggregates;
using EventStore.Benchmarks.Grains;
using EventStore.Benchmarks.Measuring;

namespace EventStore.Benchmarks.Workloads;

/// <summary>
/// Runs commands on aggregates of their own before a timed run, for at least the scale's warm-up time, so
/// that JIT compilation and tiering (with PGO), thread-pool sizing and connection pools are settled. Their
/// events stay in the file (under other aggregate ids).
/// </summary>
internal static class Warmup
{
    public static Task BenchGrains(IClusterClient client, TimeSpan atLeast, int inFlight = 64) =>
        Loop(atLeast, round => ConcurrentDriver.RunAsync(100, 20, inFlight,
            (aggregate, seq) => client.GetGrain<IBenchAggregateGrain>($"warmup-{round}-{aggregate}").Append(seq)));

    public static Task LogStorageGrains(IClusterClient client, TimeSpan atLeast, int inFlight = 64) =>
        Loop(atLeast, round => ConcurrentDriver.RunAsync(100, 5, inFlight,
            (aggregate, seq) => client.GetGrain<ILogStorageBenchGrain>($"warmup-{round}-{aggregate}").Append(seq)));

    /// <summary>Agents of their own: spawn, start, then status changes, as W5 drives them.</summary>
    public static Task AgentGrains(IClusterClient client, TimeSpan atLeast, int inFlight = 64) =>
        Loop(atLeast, round => ConcurrentDriver.RunAsync(100, 20, inFlight, async (aggregate, seq) =>
        {
            var agent = client.GetGrain<IAgentGrain>($"warmup-agent-{round}-{aggregate}");
            var receipt = seq switch
            {
                1 => await agent.Spawn("coder", AgentDomain.Core, ["csharp"]),
                2 => await agent.Start(),
                _ => await agent.ChangeStatus(seq % 2 == 1 ? AgentStatus.Idle : AgentStatus.Active),
            };
            return receipt.Position;
        }));

    private static async Task Loop(TimeSpan atLeast, Func<int, Task<DriveOutcome>> round)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 0; i == 0 || clock.Elapsed < atLeast; i++) await round(i);
    }
}
