using System.Text.Json.Serialization;

namespace EventStore.Benchmarks.Reporting;

/// <summary>
/// One result line. The first nine fields are always written (null where a number does not apply);
/// <see cref="PeakWorkingSetMb"/> and <see cref="Note"/> only where they say something.
/// </summary>
internal sealed record Result(
    [property: JsonPropertyName("system")] string System,
    [property: JsonPropertyName("variant")] string Variant,
    [property: JsonPropertyName("workload")] string Workload,
    [property: JsonPropertyName("sync")] string Sync,
    [property: JsonPropertyName("events")] long Events,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("events_per_s")] double? EventsPerSecond,
    [property: JsonPropertyName("p50_ms")] double? P50Ms,
    [property: JsonPropertyName("p99_ms")] double? P99Ms)
{
    /// <summary>Peak working set of the process (silo and client) during the workload.</summary>
    [JsonPropertyName("peak_working_set_mb")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? PeakWorkingSetMb { get; init; }

    /// <summary>CPU time of the whole process (silo, client, driver) per event, in microseconds.</summary>
    [JsonPropertyName("cpu_us_per_event")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? CpuUsPerEvent { get; init; }

    /// <summary>What a person needs to read the numbers right (a cap reached, failures, how it was measured).</summary>
    [JsonPropertyName("note")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }

    /// <summary>The usual line for a timed run of <paramref name="events"/> events with latencies.</summary>
    public static Result Rate(string system, string variant, string workload, string sync, long events, double seconds, double? p50, double? p99) =>
        new(system, variant, workload, sync, events, Round(seconds, 3), seconds > 0 ? Math.Round(events / seconds) : null, Round(p50), Round(p99));

    public static double? Round(double? value, int digits = 3) => value is { } v ? Math.Round(v, digits) : null;

    public static double Round(double value, int digits) => Math.Round(value, digits);
}
