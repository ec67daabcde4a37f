using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using System.Text;

namespace EventStore.Benchmarks.Reporting;

/// <summary>The human-readable report of one run (Markdown: a header, the results table, the targets) and the result files.</summary>
internal sealed class Report(BenchOptions options, IReadOnlyList<Result> results, DateTime started, TimeSpan took, string loadAtStart, string product)
{
    private readonly string _loadAtEnd = LoadAverage();

    /// <summary>The 1, 5 and 15 minute load averages (Linux), to show whether other work shared the machine.</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public string Markdown()
    {
        var text = new StringBuilder();
        var durability = options.Postgres ? "PostgreSQL journal (fsync and synchronous_commit on)" : $"synchronous={options.SyncName}";
        text.AppendLine(CultureInfo.InvariantCulture, $"# Benchmark run: {durability}{(options.Quick ? " (--quick)" : "")}, {started:yyyy-MM-dd HH:mm}");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0:0.0} GiB, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, {(GCSettings.IsServerGC ? "server" : "workstation")} GC");
        text.AppendLine(CultureInfo.InvariantCulture, $"- product: {product} (when the run started)");
        text.AppendLine(CultureInfo.InvariantCulture, $"- workloads: {string.Join(", ", options.Workloads.Order())}; systems: {string.Join(", ", options.Systems)}; took {took.TotalMinutes:0.0} min");
        text.AppendLine(CultureInfo.InvariantCulture, $"- load average (1/5/15 min) at start {loadAtStart}, at end {_loadAtEnd}: other work on the machine slows every number (CPU µs/event is less affected)");
        text.AppendLine();
        text.AppendLine("| workload | system | variant | events | seconds | events/s | p50 ms | p99 ms | CPU µs/event | notes |");
        text.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results.OrderBy(r => WorkloadOrder(r.Workload)))
        {
            var notes = r.PeakWorkingSetMb is { } ws ? $"peak working set {ws:0} MB; {r.Note}" : r.Note;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {r.Workload} | {r.System} | {r.Variant} | {r.Events:N0} | {r.Seconds:0.###} | {Number(r.EventsPerSecond, "N0")} | {Number(r.P50Ms, "0.###")} | {Number(r.P99Ms, "0.###")} | {Number(r.CpuUsPerEvent, "0")} | {notes} |");
        }
        var checks = Targets.Evaluate(results, options.SyncName);
        if (checks.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("| target | measured | met |");
            text.AppendLine("|---|---|---|");
            foreach (var c in checks)
                text.AppendLine(CultureInfo.InvariantCulture, $"| {c.Target} | {c.Measured} | {(c.Met is { } met ? met ? "yes" : "**no**" : "-")} |");
        }
        return text.ToString();
    }

    /// <summary>Writes results/&lt;date&gt;-&lt;sync&gt;[-quick][-subset].md and .jsonl; returns the two paths.</summary>
    public (string Markdown, string Json) Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var name = $"{started:yyyy-MM-dd}-{options.SyncName}{(options.Quick ? "-quick" : "")}";
        if (!options.IsEverything) name += "-" + string.Join("-", options.Workloads.Order()) + (options.Systems.SetEquals(BenchOptions.DefaultSystems(options.Postgres)) ? "" : "-" + string.Join("-", options.Systems.Order()));
        var markdown = Path.Combine(directory, name + ".md");
        var json = Path.Combine(directory, name + ".jsonl");
        File.WriteAllText(markdown, Markdown());
        File.WriteAllLines(json, results.Select(ResultSink.ToJson));
        return (markdown, json);
    }

    private static int WorkloadOrder(string workload) => workload == "fill" ? 35 : workload == "W1S" ? 11 : workload.Length == 2 ? (workload[1] - '0') * 10 : 99;

    private static string Number(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "";

    /// <summary>The product's commit, and whether src/ had changes not committed (read-only git commands).</summary>
    public static string ProductVersion()
    {
        var root = typeof(Report).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "RepositoryRoot")?.Value;
        if (root is null) return "unknown";
        var commit = Git(root, "rev-parse --short HEAD");
        if (commit is null) return "unknown (no git)";
        var dirty = Git(root, "status --porcelain -- src");
        return string.IsNullOrWhiteSpace(dirty) ? $"commit {commit}" : $"commit {commit} with uncommitted changes in src/";
    }

    private static string? Git(string directory, string arguments)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", $"-C \"{directory}\" {arguments}") { RedirectStandardOutput = true, RedirectStandardError = true });
            if (git is null) return null;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
