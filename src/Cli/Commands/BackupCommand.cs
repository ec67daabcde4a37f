using System.CommandLine;
using EventStore.Cli.Connection;
using EventStore.Journal;
using Spectre.Console;

namespace EventStore.Cli.Commands;

/// <summary>
/// <c>backup &lt;file&gt;</c>: a consistent copy of an SQLite journal, taken while writes go on. Online, <c>file</c> is a plain
/// name in the silo's backup folder (<c>EventStore:Journal:BackupFolder</c>); offline (<c>--journal</c>), it is a path of this
/// machine. Either way a backup never replaces a file. A PostgreSQL journal is backed up with the server's tools: the
/// store refuses with that advice (exit 4).
/// </summary>
internal static class BackupCommand
{
    public static Command Create(CliContext cli)
    {
        var file = new Argument<string>("file")
        {
            Description = "Online: a new file name (letters, digits, '.', '-', '_') in the silo's backup folder. Offline (--journal): the new file's path.",
        };
        var command = new Command("backup", "Copy an SQLite journal, consistently, while it is in use; prints the copy's path, size and last position.") { file };
        command.SetAction((parse, cancellationToken) => cli.GuardAsync(parse, async output =>
        {
            var name = parse.GetValue(file)!;
            var target = StoreTarget.From(parse, cli.Options);
            if (target is StoreTarget.Offline { Options.Provider: JournalProvider.Sqlite } offline)
            {
                // Offline the copy goes where the user says: its folder is the backup folder, its name the backup's name.
                var path = Path.GetFullPath(name);
                offline.Options.BackupFolder = Path.GetDirectoryName(path);
                name = Path.GetFileName(path);
            }
            await using var session = await StoreSession.OpenAsync(target, cli.Console, cancellationToken);
            var backup = await session.Store.BackupAsync(name);
            if (output.Json)
            {
                output.Document(backup);
                return ExitCodes.Success;
            }
            output.Console.Ansi.MarkupLine(
                $"Backed up to [bold]{Markup.Escape(backup.Path)}[/]: {backup.SizeBytes / 1024.0 / 1024.0:N1} MiB, every event up to position {backup.HeadPosition:N0}.");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
