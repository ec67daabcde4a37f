using System.Text.Json;

namespace EventStore.Benchmarks.Reporting;

/// <summary>Collects the results of a run; prints each JSON line at once with --json, and progress on stderr.</summary>
internal sealed class ResultSink(bool json)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // notes stay readable ("<=", "µ")
    };
    private readonly List<Result> _results = [];

    public IReadOnlyList<Result> Results => _results;

    public void Add(Result result)
    {
        _results.Add(result);
        var line = ToJson(result);
        if (json) Console.Out.WriteLine(line);
        Console.Error.WriteLine($"  -> {result.Workload} {result.System}/{result.Variant}: {Describe(result)}");
    }

    public static string ToJson(Result result) => JsonSerializer.Serialize(result, JsonOptions);

    /// <summary>Progress for people, on stderr (stdout is kept for results).</summary>
    public static void Progress(string message) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {message}");

    public static string Describe(Result r) =>
        $"{r.Events} events in {r.Seconds:0.###} s" +
        (r.EventsPerSecond is { } rate ? $", {rate:0} events/s" : "") +
        (r.P50Ms is { } p50 ? $", p50 {p50:0.###} ms" : "") +
        (r.P99Ms is { } p99 ? $", p99 {p99:0.###} ms" : "") +
        (r.CpuUsPerEvent is { } cpu ? $", CPU {cpu:0} µs/event" : "") +
        (r.PeakWorkingSetMb is { } ws ? $", peak working set {ws:0} MB" : "") +
        (r.Note is { } note ? $" ({note})" : "");
}
