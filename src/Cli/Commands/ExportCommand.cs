using System.CommandLine;
using System.Text;
using EventStore.Admin;
using EventStore.Cli.Output;
using Spectre.Console;

namespace EventStore.Cli.Commands;

/// <summary>
/// <c>export [--out FILE|-] [--from-position N]</c>: the journal's rows exactly as stored, as JSON lines (the format of
/// <see cref="JournalExportFormat"/>), with the durable reminders of <c>--service-id</c>; <c>import</c> reads it. Offline
/// only (<c>--journal</c> / <c>--postgres</c>): it reads the database itself, consistently and safely while silos write. A
/// file is written beside its name and renamed into place once whole. A summary follows (on standard error when the data
/// goes to standard output).
/// </summary>
internal static class ExportCommand
{
    public static Command Create(CliContext cli)
    {
        var output = new Option<string>("--out", "-o")
        {
            Description = "Where to write the export: a file, or - for standard output (the default).",
            DefaultValueFactory = _ => "-",
        };
        var from = new Option<long>("--from-position")
        {
            Description = "Export the events from this position on (default: all). Only a whole export can be imported into an empty journal.",
        };
        var command = new Command("export", "Write the journal's events (and memory reminders) exactly as stored, as JSON lines, for import into another journal.")
        {
            output, from,
        };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, async (session, result) =>
        {
            var journal = session.RequireJournal("export");
            var fromPosition = parse.GetValue(from);
            if (fromPosition < 0) throw CliException.BadArguments("--from-position must not be negative.");
            var serviceId = parse.GetValue(cli.Options.ServiceId)!;
            var file = parse.GetValue(output)!;
            if (file == "-")
            {
                var toStdout = await JournalExport.WriteAsync(journal, result.Console.Out, fromPosition, serviceId, null, cancellationToken);
                if (!result.Json) result.Console.Error.WriteLine(Summary(toStdout));
                return ExitCodes.Success;
            }
            var exported = await ToFileAsync(journal, Path.GetFullPath(file), fromPosition, serviceId, result.Console, cancellationToken);
            if (result.Json) result.Document(Document(exported, Path.GetFullPath(file)));
            else result.Console.Ansi.MarkupLine(Markup.Escape($"{Summary(exported)} to {Path.GetFullPath(file)}"));
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static async Task<JournalExportResult> ToFileAsync(OfflineJournal journal, string path, long fromPosition, string serviceId, CliConsole console,
        CancellationToken cancellationToken)
    {
        var partial = path + ".partial";
        try
        {
            JournalExportResult exported;
            await using (var writer = new StreamWriter(partial, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 1 << 16))
            {
                exported = await TransferProgress.RunAsync(console, "export",
                    progress => JournalExport.WriteAsync(journal, writer, fromPosition, serviceId, progress, cancellationToken));
            }
            File.Move(partial, path, overwrite: true);
            return exported;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw CliException.BadArguments($"cannot write the export to {path}: {ex.Message}");
        }
        finally
        {
            if (File.Exists(partial)) File.Delete(partial);
        }
    }

    private static string Summary(JournalExportResult r) =>
        $"Exported {r.Events:N0} events and {r.Reminders:N0} reminders (positions {Math.Max(r.FromPosition, 1):N0}..{r.HeadPosition:N0}), " +
        $"{r.Bytes / 1024.0 / 1024.0:N1} MiB in {r.Elapsed.TotalSeconds:N1} s, {r.EventsPerSecond:N0} events/s";

    private static object Document(JournalExportResult r, string file) => new
    {
        file,
        events = r.Events,
        reminders = r.Reminders,
        bytes = r.Bytes,
        fromPosition = r.FromPosition,
        headPosition = r.HeadPosition,
        elapsedSeconds = Math.Round(r.Elapsed.TotalSeconds, 3),
        eventsPerSecond = Math.Round(r.EventsPerSecond),
    };
}
