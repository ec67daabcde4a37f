using System.CommandLine;
using System.Text;
using EventStore.Admin;
using EventStore.Cli.Connection;
using EventStore.Journal;
using Spectre.Console;

namespace EventStore.Cli.Commands;

/// <summary>
/// <c>import &lt;file|-&gt; (--journal TARGET.db | --postgres TARGET-CONNECTION-STRING)</c>: an <c>export</c> into an empty
/// journal (an SQLite file is created), every row kept as it was stored, through the journal's own append pipeline
/// (<see cref="JournalImport"/>). The whole export is checked before anything is written. Exit codes: 2 for an input that
/// is not an export, 1 for a bad line (named) or a line the target refused, 4 for a target that holds events already.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(CliContext cli)
    {
        var input = new Argument<string>("file") { Description = "The export to import: a file written by 'export', or - for standard input." };
        var command = new Command("import",
            "Import an export into an EMPTY journal (--journal FILE, created if missing, or --postgres CONNECTION-STRING), keeping ids, versions, positions, timestamps and order.")
        {
            input,
        };
        command.SetAction((parse, cancellationToken) => cli.GuardAsync(parse, async output =>
        {
            if (StoreTarget.From(parse, cli.Options) is not StoreTarget.Offline target)
                throw CliException.BadArguments("'import' writes into a journal's database itself: pass --journal TARGET.db or --postgres CONNECTION-STRING, not a running cluster.");
            var source = parse.GetValue(input)!;
            string? spooled = null;
            try
            {
                var path = source == "-" ? spooled = await SpoolStandardInputAsync(cancellationToken) : Path.GetFullPath(source);
                if (!File.Exists(path)) throw CliException.BadArguments($"there is no export file at {path}.");
                var created = target.Options.Provider == JournalProvider.Sqlite && !File.Exists(target.Options.DatabasePath);
                var result = await ImportAsync(target.Options, path, created, output.Console, cancellationToken);
                if (output.Json) output.Document(Document(result));
                else output.Console.Ansi.MarkupLine(Markup.Escape(Summary(result)));
                return ExitCodes.Success;
            }
            finally
            {
                if (spooled is not null) File.Delete(spooled);
            }
        }, cancellationToken));
        return command;
    }

    private static async Task<JournalImportResult> ImportAsync(JournalOptions options, string path, bool created, CliConsole console, CancellationToken cancellationToken)
    {
        var failedEmpty = false;
        try
        {
            await using var session = StoreSession.OpenForWriting(options);
            return await TransferProgress.RunAsync(console, "import", progress =>
                JournalImport.ReadAsync(session.RequireJournal("import"), () => new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: false), progress, cancellationToken));
        }
        catch (JournalImportException ex)
        {
            failedEmpty = ex.EventsWritten == 0;
            throw new CliException(ex.Problem switch
            {
                JournalImportProblem.NotAnExport => ExitCodes.BadArguments,
                JournalImportProblem.TargetNotEmpty => ExitCodes.Refused,
                _ => ExitCodes.Failed,
            }, ex.Message, ex);
        }
        finally
        {
            // A journal file this import created and wrote nothing into is removed again: a failed import leaves nothing behind.
            if (created && failedEmpty)
                foreach (var file in new[] { options.DatabasePath, options.DatabasePath + "-wal", options.DatabasePath + "-shm" })
                    File.Delete(file);
        }
    }

    private static async Task<string> SpoolStandardInputAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"eventstore-import-{Guid.NewGuid():N}.jsonl");
        await using var stdin = Console.OpenStandardInput();
        await using var file = File.Create(path);
        await stdin.CopyToAsync(file, cancellationToken);
        return path;
    }

    private static string Summary(JournalImportResult r) =>
        $"Imported {r.Events:N0} events and {r.Reminders:N0} reminders from {r.Source} into {r.Target}, {r.Bytes / 1024.0 / 1024.0:N1} MiB in {r.Elapsed.TotalSeconds:N1} s, " +
        $"{r.EventsPerSecond:N0} events/s; " +
        (r.PositionsKept ? "every position kept." : $"{r.PositionsMoved:N0} events at other positions (the first, {r.FirstMovedFrom:N0}, is now {r.FirstMovedTo:N0}): the source had gaps.");

    private static object Document(JournalImportResult r) => new
    {
        source = r.Source,
        target = r.Target,
        events = r.Events,
        reminders = r.Reminders,
        bytes = r.Bytes,
        elapsedSeconds = Math.Round(r.Elapsed.TotalSeconds, 3),
        eventsPerSecond = Math.Round(r.EventsPerSecond),
        positionsKept = r.PositionsKept,
        positionsMoved = r.PositionsMoved,
        firstMovedFrom = r.FirstMovedFrom,
        firstMovedTo = r.FirstMovedTo,
    };
}
