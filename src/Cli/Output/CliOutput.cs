using EventStore.Events;

namespace EventStore.Cli.Output;

/// <summary>A command's result channel: people get tables and text, scripts (<c>--json</c>) get JSON on standard output.</summary>
internal sealed class CliOutput(CliConsole console, bool json)
{
    /// <summary>Whether the result is to be JSON.</summary>
    public bool Json => json;

    /// <summary>The console, for tables and progress.</summary>
    public CliConsole Console => console;

    /// <summary>Writes a result as one indented JSON document.</summary>
    public void Document(object value) => console.Out.WriteLine(CliJson.Document(value));

    /// <summary>A printer of events, as a table or as JSON lines.</summary>
    public EventTable Events() => new(console, json);

    /// <summary>A line for people only: nothing with <c>--json</c>, where standard output is the result alone.</summary>
    public void Note(string text)
    {
        if (!json) console.Out.WriteLine(text);
    }

    /// <summary>Prints every event of <paramref name="events"/> as it arrives; returns how many.</summary>
    public async Task<long> EventsAsync(IAsyncEnumerable<EventEnvelope> events, string what, CancellationToken cancellationToken)
    {
        var table = Events();
        await foreach (var e in events.WithCancellation(cancellationToken)) table.Write(e);
        table.Finish(what);
        return table.Count;
    }
}
