using System.Diagnostics;
using EventStore.Benchmarks;
using EventStore.Benchmarks.Reporting;

// The benchmark program of issue 6. Arguments only: the workloads are in Workloads/, the baselines in
// Baselines/, the order of a run in Runner.cs, the report in Reporting/.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

// The private PostgreSQL server kit (linked from the tests) uses an existing server when this variable names one.
if (options.PostgresConnectionString is { } server)
    Environment.SetEnvironmentVariable(EventStore.Tests.Infrastructure.PostgresServer.ConnectionStringVariable, server);

var sink = new ResultSink(options.Json);
var loadAtStart = Report.LoadAverage();
var product = Report.ProductVersion();
var started = DateTime.Now;
var clock = Stopwatch.StartNew();
ResultSink.Progress($"backend {options.Backend}, synchronous={options.SyncName}{(options.Quick ? ", quick" : "")}: {string.Join(", ", options.Workloads.Order())}");
var failed = await Runner.RunAsync(new BenchContext(options, sink));

var report = new Report(options, sink.Results, started, clock.Elapsed, loadAtStart, product);
(options.Json ? Console.Error : Console.Out).WriteLine(report.Markdown());
if (options.OutputDirectory is { } directory)
{
    var (markdown, json) = report.Write(directory);
    ResultSink.Progress($"wrote {markdown} and {json}");
}
if (failed.Count > 0) Console.Error.WriteLine($"error: {failed.Count} step(s) failed: {string.Join(", ", failed)}");
return failed.Count > 0 ? 1 : 0;
