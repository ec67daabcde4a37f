using EventStore.Benchmarks.Reporting;
using EventStore.Journal;

namespace EventStore.Benchmarks;

/// <summary>What every workload needs: the options, the sizes, and where results go.</summary>
internal sealed class BenchContext(BenchOptions options, ResultSink sink)
{
    private List<Result>? _capture;

    public BenchOptions Options { get; } = options;

    public Scale Scale => Options.Scale;

    public JournalDurability Durability => Options.Sync;

    public string Sync => Options.SyncName;

    /// <summary>Reports a result, or keeps it aside while a repetition is being captured.</summary>
    public void Add(Result result)
    {
        if (_capture is null)
        {
            sink.Add(result);
            return;
        }
        _capture.Add(result);
        Console.Error.WriteLine($"     (repetition) {result.Workload} {result.System}/{result.Variant}: {ResultSink.Describe(result)}");
    }

    /// <summary>
    /// Runs <paramref name="run"/> <see cref="BenchOptions.Repeat"/> times and reports the lines of the repetition
    /// whose first line has the highest rate: on a shared 2-core machine the best of a few runs is the one
    /// least disturbed by other work. The note says what the other repetitions measured.
    /// </summary>
    public async Task RunBestOf(Func<Task> run)
    {
        if (Options.Repeat == 1)
        {
            await run();
            return;
        }
        var repetitions = new List<List<Result>>();
        for (var i = 0; i < Options.Repeat; i++)
        {
            _capture = [];
            try
            {
                await run();
            }
            finally
            {
                repetitions.Add(_capture);
                _capture = null;
            }
        }
        var measured = repetitions.Where(r => r.Count > 0).ToList();
        if (measured.Count == 0) return;
        var best = measured.MaxBy(r => r[0].EventsPerSecond ?? 0)!;
        var others = measured.Where(r => r != best).Select(r => r[0].EventsPerSecond is { } rate ? $"{rate:0}/s" : "-").ToList();
        for (var i = 0; i < best.Count; i++)
        {
            var line = best[i];
            if (i == 0 && others.Count > 0)
            {
                var bestOf = $"best of {measured.Count} runs, the other{(others.Count > 1 ? "s" : "")}: {string.Join(", ", others)}";
                line = line with { Note = line.Note is null ? bestOf : $"{line.Note}; {bestOf}" };
            }
            sink.Add(line);
        }
    }

    public static void Progress(string message) => ResultSink.Progress(message);
}
