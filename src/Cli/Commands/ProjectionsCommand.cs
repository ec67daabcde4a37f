using System.CommandLine;
using EventStore.Cli.Output;
using EventStore.Projections;
using Spectre.Console;

namespace EventStore.Cli.Commands;

/// <summary>
/// <c>projections status</c> and <c>projections rebuild &lt;name&gt; [--wait]</c>: the read models' lag and problems, and a
/// rebuild from the journal, through <see cref="IProjectionAdminGrain"/>. Online only: projections run in the silos.
/// </summary>
internal static class ProjectionsCommand
{
    /// <summary>How often <c>rebuild --wait</c> asks for the rebuild's progress.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public static Command Create(CliContext cli)
    {
        var command = new Command("projections", "The projections (read models) of the running silos: their status, and rebuilding one (online only).");
        command.Subcommands.Add(Status(cli));
        command.Subcommands.Add(Rebuild(cli));
        return command;
    }

    private static Command Status(CliContext cli)
    {
        var command = new Command("status", "Every projection's checkpoint, the journal's head, the lag in events and ms, a problem it is stuck on, and a running rebuild's progress.");
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, async (session, output) =>
        {
            var statuses = await session.RequireCluster("projections status").GetProjectionAdmin().GetStatuses();
            if (output.Json) output.Document(new { projections = statuses });
            else output.Console.Ansi.Write(ProjectionStatusTable.Of(statuses));
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Rebuild(CliContext cli)
    {
        var name = new Argument<string>("name") { Description = "The projection to rebuild (see 'projections status'), e.g. agent_state." };
        var wait = new Option<bool>("--wait") { Description = "Wait until the rebuilt tables have replaced the old ones (a progress bar on a terminal), then print the final status." };
        var command = new Command("rebuild", "Build a projection again from the journal's first event into new tables; queries read the old ones until the new ones catch up.") { name, wait };
        command.SetAction((parse, cancellationToken) => cli.RunAsync(parse, async (session, output) =>
        {
            var admin = session.RequireCluster("projections rebuild").GetProjectionAdmin();
            var projection = parse.GetValue(name)!;
            var status = await admin.Rebuild(projection);
            if (parse.GetValue(wait)) status = await WaitAsync(admin, projection, status, output, cancellationToken);
            if (output.Json) output.Document(status);
            else output.Console.Ansi.Write(ProjectionStatusTable.Of([status]));
            if (parse.GetValue(wait) && status.IsRebuilding)
            {
                output.Console.Error.WriteLine($"error: the rebuild of {projection} is stuck: {status.Problem}. It retries by itself; follow it with 'projections status'.");
                return ExitCodes.Failed;
            }
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>
    /// Polls the status until the rebuild has switched over (no rebuild running), or is stuck on a problem (then the status
    /// still says it is rebuilding); a progress bar when on a terminal.
    /// </summary>
    private static async Task<ProjectionStatus> WaitAsync(IProjectionAdminGrain admin, string projection, ProjectionStatus status, CliOutput output, CancellationToken cancellationToken)
    {
        async Task<ProjectionStatus> Next()
        {
            await Task.Delay(PollInterval, cancellationToken);
            return (await admin.GetStatuses()).Single(s => s.Projection == projection);
        }

        if (!output.Console.Interactive || output.Json)
        {
            while (status.IsRebuilding && status.Problem is null) status = await Next();
            return status;
        }
        await output.Console.Ansi.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask($"rebuilding {Markup.Escape(projection)}", maxValue: 100);
            while (status.IsRebuilding && status.Problem is null)
            {
                task.Value = ProjectionStatusTable.Percent(status.RebuildCheckpoint!.Value, status.HeadPosition);
                status = await Next();
            }
            task.Value = 100;
        });
        return status;
    }
}
