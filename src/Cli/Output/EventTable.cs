using EventStore.Events;
using Spectre.Console;

namespace EventStore.Cli.Output;

/// <summary>
/// Prints events: a table for people (position, time, aggregate, version, type, correlation, payload in short), or one
/// JSON object per line with <c>--json</c> (see <see cref="CliJson.Of"/>). Rows are written as they come, so a long
/// listing or a live tail starts printing at once.
/// </summary>
internal sealed class EventTable(CliConsole console, bool json)
{
    private const int PayloadWidth = 80;
    private bool _headerWritten;

    /// <summary>Events written so far.</summary>
    public long Count { get; private set; }

    /// <summary>Writes one event.</summary>
    public void Write(EventEnvelope e)
    {
        Count++;
        if (json)
        {
            console.Out.WriteLine(CliJson.Line(e));
            return;
        }
        if (!_headerWritten)
        {
            console.Out.WriteLine($"{"position",10}  {"time (UTC)",-23}  {"aggregate",-32} {"ver",5}  {"type",-22} {"correlation",-24} payload");
            _headerWritten = true;
        }
        var payload = CliJson.Of(e)["payload"]?.ToJsonString(CliJson.Options) ?? "";
        if (payload.Length > PayloadWidth) payload = payload[..(PayloadWidth - 1)] + "…";
        console.Out.WriteLine($"{e.Position,10}  {CliJson.Time(e.Timestamp),-23}  {Fit($"{e.AggregateType}/{e.AggregateId}", 32)} {e.Version,5}  {Fit(e.Type, 22)} {Fit(e.CorrelationId ?? "", 24)} {payload}");
    }

    /// <summary>After the last event: a count line for people (nothing with <c>--json</c>, where the lines are the result).</summary>
    public void Finish(string what)
    {
        if (json) return;
        console.Ansi.MarkupLine(Count == 0 ? $"[grey]No {Markup.Escape(what)}.[/]" : $"[grey]{Count:N0} {Markup.Escape(what)}.[/]");
    }

    private static string Fit(string text, int width) => text.Length <= width ? text.PadRight(width) : text[..(width - 1)] + "…";
}
