using System.Diagnostics;
using EventStore.Admin;
using Spectre.Console;

namespace EventStore.Cli.Commands;

/// <summary>
/// The live progress bar of <c>export</c> and <c>import</c> (events done, of how many, and events per second), shown only on
/// a terminal; elsewhere (a pipe, a file, a test) the work runs without it.
/// </summary>
internal static class TransferProgress
{
    /// <summary>Runs <paramref name="work"/> under a progress bar titled <paramref name="what"/> on a terminal, without one elsewhere.</summary>
    public static async Task<T> RunAsync<T>(CliConsole console, string what, Func<IProgress<JournalExportProgress>?, Task<T>> work)
    {
        if (!console.Interactive) return await work(null);
        return await console.Ansi.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(what), autoStart: true, maxValue: 1);
                var result = await work(new Bar(task, what));
                task.Value = task.MaxValue;
                return result;
            });
    }

    private sealed class Bar(ProgressTask task, string what) : IProgress<JournalExportProgress>
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public void Report(JournalExportProgress value)
        {
            var rate = _clock.Elapsed.TotalSeconds > 0 ? value.Events / _clock.Elapsed.TotalSeconds : 0;
            task.MaxValue = Math.Max(1, Math.Max(value.ExpectedEvents, value.Events));
            task.Value = value.Events;
            task.Description = Markup.Escape($"{what}: {value.Events:N0} events, {rate:N0}/s");
        }
    }
}
