using EventStore.Journal;

namespace EventStore.Admin;

/// <summary>
/// The order an export's lines must come in, checked line by line before anything is written: a header of this format
/// and version first, then events with increasing positions and, per stream, contiguous versions from 1 under one
/// aggregate type, then reminders, then the end line whose counts match; nothing after it, and nothing missing.
/// </summary>
internal sealed class JournalImportChecks
{
    private readonly Dictionary<string, (long Version, string AggregateType)> _streams = new(StringComparer.Ordinal);
    private long _lastPosition;
    private bool _remindersBegun;

    /// <summary>The header, once line 1 was read.</summary>
    public ExportHeader? Header { get; private set; }

    /// <summary>The end line, once read.</summary>
    public ExportEnd? End { get; private set; }

    /// <summary>Event lines so far.</summary>
    public long Events { get; private set; }

    /// <summary>Reminder lines so far.</summary>
    public long Reminders { get; private set; }

    /// <summary>Lines read so far.</summary>
    public long Lines { get; private set; }

    /// <summary>Parses and checks the next line; returns what it holds.</summary>
    public object Next(string line)
    {
        var number = ++Lines;
        if (Header is null) return First(line, number);
        if (End is not null) throw JournalImportLines.Bad(number, "it comes after the end line");
        var parsed = JournalImportLines.Parse(line, number);
        switch (parsed)
        {
            case ExportHeader:
                throw JournalImportLines.Bad(number, "a second header");
            case StoredRow row:
                Check(row, number);
                Events++;
                break;
            case ExportedReminder:
                _remindersBegun = true;
                Reminders++;
                break;
            case ExportEnd end:
                if (end.Events != Events || end.Reminders != Reminders)
                    throw JournalImportLines.Bad(number, $"the end line counts {end.Events:N0} events and {end.Reminders:N0} reminders, but the export holds {Events:N0} and {Reminders:N0}");
                End = end;
                break;
        }
        return parsed;
    }

    /// <summary>After the last line: throws unless the end line was read.</summary>
    public void Finish()
    {
        if (Header is null) throw new JournalImportException(JournalImportProblem.NotAnExport, 0, "the input is empty: it is not a journal export.");
        if (End is null)
            throw new JournalImportException(JournalImportProblem.BadLine, Lines + 1,
                $"the export ends after line {Lines:N0} without its end line: it is truncated (it holds {Events:N0} events so far).");
    }

    private object First(string line, long number)
    {
        object parsed;
        try
        {
            parsed = JournalImportLines.Parse(line, number);
        }
        catch (JournalImportException ex)
        {
            throw new JournalImportException(JournalImportProblem.NotAnExport, number, $"it is not a journal export: {ex.Message}");
        }
        if (parsed is not ExportHeader header || header.Format != JournalExportFormat.Name)
            throw new JournalImportException(JournalImportProblem.NotAnExport, number,
                $"it is not a journal export: line 1 is not a header of format '{JournalExportFormat.Name}'.");
        if (header.Version != JournalExportFormat.Version)
            throw new JournalImportException(JournalImportProblem.NotAnExport, number,
                $"the export is in version {header.Version} of the format; this CLI reads version {JournalExportFormat.Version} only.");
        Header = header;
        return header;
    }

    private void Check(StoredRow row, long number)
    {
        if (_remindersBegun) throw JournalImportLines.Bad(number, "an event after the reminders");
        if (row.Position <= _lastPosition)
            throw JournalImportLines.Bad(number, $"its position {row.Position} does not come after the previous event's, {_lastPosition}");
        var (head, aggregateType) = _streams.TryGetValue(row.AggregateId, out var stream) ? stream : (0, row.AggregateType);
        if (row.Version != head + 1)
            throw JournalImportLines.Bad(number, head == 0
                ? $"it is version {row.Version} of stream '{row.AggregateId}', whose earlier versions are not in the export (an export from a position after 1 cannot be imported into an empty journal)"
                : $"it is version {row.Version} of stream '{row.AggregateId}', which is at version {head}: versions must be contiguous");
        if (row.AggregateType != aggregateType)
            throw JournalImportLines.Bad(number, $"stream '{row.AggregateId}' is a {aggregateType}, but this event gives it aggregate type {row.AggregateType}");
        _streams[row.AggregateId] = (row.Version, aggregateType);
        _lastPosition = row.Position;
    }
}
