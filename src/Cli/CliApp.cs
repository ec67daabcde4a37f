using System.CommandLine;
using EventStore.Cli.Commands;
using EventStore.Cli.Connection;

namespace EventStore.Cli;

/// <summary>
/// The admin CLI: its commands and the options they share. Every command works against a running silo or cluster (by
/// default the local silo's gateway, 127.0.0.1:30000) and, where it makes sense, offline on the journal's database
/// (<c>--journal FILE</c> or <c>--postgres CONNECTION-STRING</c>). Exit codes: <see cref="ExitCodes"/>.
/// </summary>
internal static class CliApp
{
    /// <summary>Parses <paramref name="args"/>, runs the command, and returns the process exit code.</summary>
    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = Build(console);
        var parse = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = console.Out, Error = console.Error };
        var exitCode = await parse.InvokeAsync(configuration, cancellationToken);
        // Parse errors (unknown option, missing argument) print usage and exit with System.CommandLine's 1: ours is 2.
        return parse.Errors.Count > 0 && exitCode == 1 ? ExitCodes.BadArguments : exitCode;
    }

    /// <summary>The root command with every subcommand.</summary>
    public static RootCommand Build(CliConsole console)
    {
        var options = new StoreOptions();
        var cli = new CliContext(console, options);
        var root = new RootCommand("Administer an Agents.EventStore journal: inspect, follow, export/import, back up, verify, and manage projections.");
        options.AddTo(root);
        foreach (var command in Commands(cli)) root.Subcommands.Add(command);
        return root;
    }

    private static IEnumerable<Command> Commands(CliContext cli)
    {
        yield return StatsCommand.Create(cli);
        yield return EventsCommand.Create(cli);
        yield return QueryCommand.Create(cli);
        yield return TimelineCommand.Create(cli);
        yield return TreeCommand.Create(cli);
        yield return TailCommand.Create(cli);
        yield return ProjectionsCommand.Create(cli);
        yield return BackupCommand.Create(cli);
        yield return ExportCommand.Create(cli);
        yield return ImportCommand.Create(cli);
        yield return VerifyCommand.Create(cli);
    }
}
