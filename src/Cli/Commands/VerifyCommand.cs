using System.CommandLine;
using EventStore.Admin;
using EventStore.Cli.Connection;
using EventStore.Cli.Output;
using Spectre.Console;

namespace EventStore.Cli.Commands;

/// <summary>
/// <c>verify</c>: the journal's integrity check (<see cref="JournalVerifier"/>), offline only (<c>--journal</c> or
/// <c>--postgres</c>; safe while silos run on the same database). Prints a table of checks (a progress bar while it reads,
/// on a terminal) or, with <c>--json</c>, the <see cref="VerificationReport"/>. Exit code 0 when every check holds, 1 when
/// any finds a problem.
/// </summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext cli)
    {
        var command = new Command("verify",
            "Check the journal's integrity offline (--journal or --postgres; safe while silos run): positions without gaps, each stream's versions "
            + "1..n with one aggregate type (no lost event, no fork), unique event ids, every row readable, the stats counters, snapshots, and every "
            + "projection's records against the journal. Exit code 1 if anything is wrong.");
        command.SetAction((parse, cancellationToken) => cli.GuardAsync(parse, async output =>
        {
            var target = StoreTarget.From(parse, cli.Options);
            if (target is not StoreTarget.Offline)
                throw CliException.BadArguments("'verify' reads the journal's database itself: pass --journal FILE or --postgres CONNECTION-STRING (it is safe while silos run).");
            await using var session = await StoreSession.OpenAsync(target, cli.Console, cancellationToken);
            var journal = session.RequireJournal("verify");
            var verifier = new JournalVerifier(journal, JournalVerifier.ProjectionsIn(journal.Options.EventAssemblies));
            var report = output.Console.Interactive && !output.Json
                ? await WithProgressAsync(output.Console.Ansi, verifier, cancellationToken)
                : await verifier.VerifyAsync(cancellationToken: cancellationToken);
            if (output.Json) output.Document(report);
            else Print(output.Console.Ansi, report, session.Description);
            return report.Ok ? ExitCodes.Success : ExitCodes.Failed;
        }, cancellationToken));
        return command;
    }

    private static Task<VerificationReport> WithProgressAsync(IAnsiConsole ansi, JournalVerifier verifier, CancellationToken cancellationToken) =>
        ansi.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask("reading the journal");
            var progress = new Progress<VerificationProgress>(p =>
            {
                task.Description = Markup.Escape(p.Stage);
                task.MaxValue = Math.Max(1, p.HeadPosition);
                task.Value = p.Position;
            });
            return await verifier.VerifyAsync(progress, cancellationToken);
        });

    private static void Print(IAnsiConsole ansi, VerificationReport report, string description)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("check").AddColumn("result").AddColumn("what it checks");
        foreach (var check in report.Checks)
        {
            var result = check.Ok ? "[green]ok[/]" : $"[red]{check.ProblemCount:N0} problem{(check.ProblemCount == 1 ? "" : "s")}[/]";
            table.AddRow(Markup.Escape(check.Name), result, Markup.Escape(check.Description));
        }
        ansi.Write(table);
        foreach (var check in report.Checks.Where(c => !c.Ok))
        {
            ansi.MarkupLine($"[red]{Markup.Escape(check.Name)}[/]:");
            foreach (var problem in check.Problems) ansi.MarkupLine($"  - {Markup.Escape(problem)}");
            if (check.ProblemCount > check.Problems.Count) ansi.MarkupLine($"  [grey]… and {check.ProblemCount - check.Problems.Count:N0} more[/]");
        }
        ansi.MarkupLine(report.Ok
            ? $"[green]The journal is sound[/]: {report.Events:N0} events in {report.Streams:N0} streams up to position {report.HeadPosition:N0}."
            : $"[red]The journal has problems[/] ({report.Events:N0} events in {report.Streams:N0} streams read up to position {report.HeadPosition:N0}).");
        ansi.MarkupLine($"[grey]{Markup.Escape(description)}[/]");
    }
}
