using System.CommandLine;

namespace EventStore.Cli.Commands;

/// <summary>
/// <c>timeline &lt;correlation-id&gt; [--limit N]</c>: every event of one run, workflow or conversation (its correlation id), in
/// global order whatever aggregates they belong to, read page by page to the end or to the limit. Online and offline.
/// </summary>
internal static class TimelineCommand
{
    private const int PageSize = 1000;

    public static Command Create(CliContext cli)
    {
        var correlationId = new Argument<string>("correlation-id") { Description = "The run's correlation id (EventEnvelope.CorrelationId)." };
        var limit = new Option<long?>("--limit") { Description = "At most this many events (at least 1). Default: all of them." };
        var command = new Command("timeline", "Every event of one run (its correlation id), in commit order: a table, or JSON lines with --json.") { correlationId, limit };
        command.SetAction((parse, cancellationToken) => cli.GuardAsync(parse, output =>
        {
            var max = parse.GetValue(limit) ?? long.MaxValue;
            if (max < 1) throw CliException.BadArguments($"--limit is {max}; give 1 or more, or leave it out for every event of the run.");
            return cli.RunAsync(parse, async (session, _) =>
            {
                var id = parse.GetValue(correlationId)!;
                var table = output.Events();
                var position = 0L;
                while (table.Count < max)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var page = await session.Store.GetTimelineAsync(id, position, (int)Math.Min(PageSize, max - table.Count));
                    foreach (var e in page.Events) table.Write(e);
                    if (page.IsEnd) break;
                    position = page.NextPosition;
                }
                table.Finish("events");
                return ExitCodes.Success;
            }, cancellationToken);
        }, cancellationToken));
        return command;
    }
}
