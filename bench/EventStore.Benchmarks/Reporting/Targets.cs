namespace EventStore.Benchmarks.Reporting;

/// <summary>One target of issues 6 and 14 and what this run measured for it.</summary>
internal sealed record TargetCheck(string Target, string Measured, bool? Met);

/// <summary>The targets, checked against the results of one run (ratios within the run).</summary>
internal static class Targets
{
    public static IReadOnlyList<TargetCheck> Evaluate(IReadOnlyList<Result> results, string sync)
    {
        Result? Find(string workload, string system, string variant) =>
            results.FirstOrDefault(r => r.Workload == workload && r.System == system && r.Variant == variant);
        Result? FindPrefix(string workload, string system, string prefix) =>
            results.FirstOrDefault(r => r.Workload == workload && r.System == system && r.Variant.StartsWith(prefix, StringComparison.Ordinal));

        var checks = new List<TargetCheck>();
        var fullOnly = sync == "FULL" ? "" : " (set for FULL; shown for reference)";

        var w1 = Find("W1", "eventstore", "bench-grain");
        Ratio(checks, $"W1 >= 0.7x raw group-commit{fullOnly}", w1, Find("W1", "raw-sqlite", "group-commit"), 0.7, sync == "FULL");
        if (w1?.CpuUsPerEvent is { } cpu && Find("W1", "raw-sqlite", "group-commit") is not null)
            checks.Add(new($"W1 CPU <= 45 µs/event{fullOnly}", $"{cpu:0} µs/event", sync == "FULL" ? cpu <= 45 : null));
        Ratio(checks, $"W1 >= 3x raw row-per-txn{fullOnly}", w1, Find("W1", "raw-sqlite", "row-per-txn"), 3, sync == "FULL");
        Ratio(checks, "W1 agent-grain >= 0.8x bench-grain", Find("W1", "eventstore", "agent-grain ChangeStatus"), w1, 0.8, true);
        if (FindPrefix("W1", "eventstore", "bench-grain 10000 aggregates") is { PeakWorkingSetMb: { } peak })
            checks.Add(new("W1 10,000 active aggregates: peak working set <= 338 MB", $"{peak:0} MB", peak <= 338));

        var w2 = Find("W2", "eventstore", "bench-grain");
        Ratio(checks, "W2 >= 0.7x raw sequential row-per-txn", w2, Find("W2", "raw-sqlite", "row-per-txn"), 0.7, true);
        var windows = results.Where(r => r.Workload == "W2" && r.System == "eventstore" && r.Variant.StartsWith("bench-grain events", StringComparison.Ordinal)).ToList();
        if (windows.Count == 2 && windows[0].EventsPerSecond is { } first && windows[1].EventsPerSecond is { } last)
            checks.Add(new($"W2 flat append cost (last window >= 0.9x first)",
                $"{windows[0].Variant[12..]}: {first:0}/s, {windows[1].Variant[12..]}: {last:0}/s = {last / first:0.00}x", last / first >= 0.9));

        // Issue 14: the nearest actor peer, Akka.Persistence.Sql on the same SQLite settings (--system akka).
        Ratio(checks, "W2 ahead of akka (> 1x)", w2, Find("W2", "akka", "persistent-actor"), 1, true, strictlyAbove: true);
        Ratio(checks, "W1 ahead of akka (> 1x)", w1, Find("W1", "akka", "persistent-actor"), 1, true, strictlyAbove: true);

        Latency(checks, "W3 from a snapshot < 10 ms (p50)", FindPrefix("W3", "eventstore", "from snapshot"), 10);
        Latency(checks, "W3 without a snapshot (every event read) < 100 ms (p50)", Find("W3", "eventstore", "no snapshot"), 100);

        Ratio(checks, "W4 replay >= 0.5x raw sequential read", Find("W4", "eventstore", "replay page 1000"), Find("W4", "raw-sqlite", "select-all"), 0.5, true);

        if (Find("W5", "eventstore", "AgentState projection") is { P99Ms: { } lag } w5)
            checks.Add(new("W5 projection lag p99 <= 100 ms", $"p50 {w5.P50Ms:0.#} ms, p99 {lag:0.#} ms", lag <= 100));

        Latency(checks, "W6 first page <= 5 ms (p50)", Find("W6", "eventstore", "first page"), 5);

        // W7: read models at 1M records; the save cost per event applied stays flat and every query answers within 5 ms (p50).
        var w7Windows = results.Where(r => r.Workload == "W7" && r.Variant.StartsWith("TaskHistory catch-up at ", StringComparison.Ordinal)).ToList();
        if (w7Windows.Count >= 2 && w7Windows[0].EventsPerSecond is { } small && w7Windows[^1].EventsPerSecond is { } large)
            checks.Add(new("W7 flat save cost per event (largest window within 1.5x of the smallest)",
                $"{w7Windows[0].Variant[24..]}: {1e6 / small:0.0} µs/event, {w7Windows[^1].Variant[24..]}: {1e6 / large:0.0} µs/event = {small / large:0.00}x", small / large <= 1.5));
        foreach (var query in results.Where(r => r.Workload == "W7" && r.System == "eventstore" && r.Variant.StartsWith("Get", StringComparison.Ordinal)
                                                   && !r.Variant.StartsWith("GetStatus", StringComparison.Ordinal) && !r.Variant.Contains("during", StringComparison.Ordinal)))
            Latency(checks, $"W7 {query.Variant} <= 5 ms (p50)", query, 5);

        // PostgreSQL (--backend postgres): the same ratios against plain Npgsql, and ahead of Marten.
        Ratio(checks, "PG: W1 >= 0.7x raw-npgsql group-commit", w1, Find("W1", "raw-npgsql", "group-commit"), 0.7, true);
        Ratio(checks, "PG: W1 >= 3x raw-npgsql row-per-txn", w1, Find("W1", "raw-npgsql", "row-per-txn"), 3, true);
        Ratio(checks, "PG: W2 >= 0.7x raw-npgsql sequential row-per-txn", w2, Find("W2", "raw-npgsql", "row-per-txn"), 0.7, true);
        Ratio(checks, "PG: W4 replay >= 0.5x raw-npgsql select-all", Find("W4", "eventstore", "replay page 1000"), Find("W4", "raw-npgsql", "select-all"), 0.5, true);
        Ratio(checks, "PG: W1 ahead of marten (> 1x)", w1, Find("W1", "marten", "append+SaveChanges"), 1, true, strictlyAbove: true);
        Ratio(checks, "PG: W2 ahead of marten (> 1x)", w2, Find("W2", "marten", "append+SaveChanges"), 1, true, strictlyAbove: true);
        Ratio(checks, "PG: W4 replay ahead of marten (> 1x)", Find("W4", "eventstore", "replay page 1000"), Find("W4", "marten", "QueryAllRawEvents page 1000"), 1, true, strictlyAbove: true);
        return checks;
    }

    private static void Ratio(List<TargetCheck> checks, string target, Result? ours, Result? baseline, double at, bool binding, bool strictlyAbove = false)
    {
        if (ours?.EventsPerSecond is not { } a || baseline?.EventsPerSecond is not { } b || b == 0) return;
        var ratio = a / b;
        checks.Add(new(target, $"{a:0}/s vs {b:0}/s = {ratio:0.00}x", binding ? strictlyAbove ? ratio > at : ratio >= at : null));
    }

    private static void Latency(List<TargetCheck> checks, string target, Result? result, double maxMs)
    {
        if (result?.P50Ms is not { } p50) return;
        checks.Add(new(target, $"p50 {p50:0.##} ms, p99 {result.P99Ms:0.##} ms", p50 < maxMs || (p50 <= maxMs && target.Contains("<=", StringComparison.Ordinal))));
    }
}
