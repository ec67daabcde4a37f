using System.Diagnostics;
using System.Text;
using System.Text.Json;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Upcasting;

namespace EventStore.Admin;

/// <summary>
/// Imports an export (<see cref="JournalExportFormat"/>) into an empty journal, keeping every row as it was stored: ids,
/// types and schema versions, versions, timestamps, sources, payload and metadata text, causation and correlation ids,
/// request fingerprints, and the order. The input is read twice: first every line is checked
/// (<see cref="JournalImportChecks"/>) and nothing is written unless the whole export is sound; then its events go through
/// the journal's one append pipeline (<see cref="EventJournal.AppendAsync"/>) in file order, consecutive events of a
/// stream as one append, a bounded window of appends in flight for the group-commit writer to batch. Every committed
/// position is compared with the exported one. Reminders are written last, through the journal database's reminder table.
/// </summary>
public sealed class JournalImport
{
    private readonly OfflineJournal _target;
    private readonly IProgress<JournalExportProgress>? _progress;
    private readonly int _maxInFlightEvents;
    private readonly TimeSpan _appendBudget;
    private readonly Queue<InFlight> _inFlight = new();
    private long _inFlightEvents, _written, _moved, _total;
    private (long Exported, long Committed)? _firstMoved;

    /// <summary>Most appends in flight: each is a round trip or more of the writer, and the last one in waits for all of them.</summary>
    private const int MaxInFlightAppends = 1000;

    private static readonly TimeSpan MinAppendBudget = TimeSpan.FromMinutes(1);

    private JournalImport(OfflineJournal target, IProgress<JournalExportProgress>? progress)
    {
        (_target, _progress) = (target, progress);
        _maxInFlightEvents = (int)Math.Min(target.Options.MaxQueuedEvents / 2, 4L * target.Options.MaxEventsPerCommit);
        // Each append waits behind the whole window: give it longer than a silo's caller gets (a window of single-event
        // appends takes seconds on a busy PostgreSQL), still failing, not hanging, on a stuck journal.
        _appendBudget = target.Options.AppendTimeout > MinAppendBudget ? target.Options.AppendTimeout : MinAppendBudget;
    }

    /// <summary>
    /// Imports the export <paramref name="open"/> reads (it is called twice: to check, then to write) into
    /// <paramref name="target"/>, which must hold no event. Throws <see cref="JournalImportException"/> for an input that
    /// is not an export, a bad line (nothing written), a target that is not empty (nothing written), or a line the target
    /// refused (<see cref="JournalImportException.EventsWritten"/> says what it holds then).
    /// </summary>
    public static async Task<JournalImportResult> ReadAsync(OfflineJournal target, Func<TextReader> open, IProgress<JournalExportProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(open);
        var clock = Stopwatch.StartNew();
        await RefuseUnlessEmptyAsync(target);
        var check = new JournalImportChecks();
        long bytes = 0;
        using (var reader = open())
        {
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                check.Next(line);
                bytes += Encoding.UTF8.GetByteCount(line) + 1;
            }
        }
        check.Finish();
        var import = new JournalImport(target, progress) { _total = check.Events };
        var reminders = await import.WriteAsync(open, cancellationToken);
        await JournalExportReminders.WriteAsync(target, reminders, cancellationToken);
        return new JournalImportResult(check.Header!.Source, target.Description, import._written, reminders.Count, bytes, clock.Elapsed,
            import._moved == 0, import._moved, import._firstMoved?.Exported, import._firstMoved?.Committed);
    }

    private static async Task RefuseUnlessEmptyAsync(OfflineJournal target)
    {
        if (await target.Reader.GetHeadPositionAsync() == 0) return;
        var stats = await target.Store.GetStatsAsync();
        throw new JournalImportException(JournalImportProblem.TargetNotEmpty, 0,
            $"the target journal ({target.Description}) is not empty: it holds {stats.TotalEvents:N0} events. Import only into a new, empty journal; nothing was written.");
    }

    /// <summary>The second pass: the events through the append pipeline; returns the reminders, to write once every event is in.</summary>
    private async Task<List<ExportedReminder>> WriteAsync(Func<TextReader> open, CancellationToken cancellationToken)
    {
        var check = new JournalImportChecks(); // the same checks again: the input must not have changed since the first pass
        var reminders = new List<ExportedReminder>();
        var group = new List<StoredRow>();
        long groupLine = 0;
        try
        {
            using var reader = open();
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var parsed = check.Next(line);
                if (group.Count > 0 && (parsed is not StoredRow next || next.AggregateId != group[0].AggregateId || group.Count == _target.Options.MaxEventsPerAppend))
                {
                    await SendAsync(group, groupLine);
                    group = [];
                }
                if (parsed is StoredRow row)
                {
                    if (group.Count == 0) groupLine = check.Lines;
                    group.Add(row);
                }
                else if (parsed is ExportedReminder reminder)
                {
                    reminders.Add(reminder);
                }
            }
            check.Finish();
            if (group.Count > 0) await SendAsync(group, groupLine);
            while (_inFlight.Count > 0) await CompleteOldestAsync();
            return reminders;
        }
        catch (Exception ex)
        {
            // Stop sending; what is in flight still lands (or not): count it, then say how far the import got.
            while (_inFlight.Count > 0)
            {
                try
                {
                    await CompleteOldestAsync();
                }
                catch (JournalImportException)
                {
                    // The first problem is the one to report.
                }
            }
            if (ex is OperationCanceledException) throw;
            var stop = ex as JournalImportException ?? new JournalImportException(JournalImportProblem.Refused, check.Lines, ex.Message, ex);
            throw new JournalImportException(stop.Problem, stop.LineNumber,
                $"{stop.Message} The import stopped there: the target holds {_written:N0} events of the export.", stop.InnerException) { EventsWritten = _written };
        }
    }

    private async Task SendAsync(List<StoredRow> rows, long line)
    {
        var first = rows[0];
        var events = rows.Select(Unwritten).ToList();
        var append = new StreamAppend(first.AggregateId, first.AggregateType, first.Version - 1, events);
        _inFlight.Enqueue(new InFlight(_target.Journal.AppendAsync(append, JournalDeadline.After(_appendBudget, TimeProvider.System)), rows, line));
        _inFlightEvents += rows.Count;
        while (_inFlightEvents > _maxInFlightEvents || _inFlight.Count > MaxInFlightAppends) await CompleteOldestAsync();
    }

    private async Task CompleteOldestAsync()
    {
        var (task, rows, line) = _inFlight.Dequeue();
        _inFlightEvents -= rows.Count;
        AppendOutcome outcome;
        try
        {
            outcome = await task;
        }
        catch (EventStoreException ex)
        {
            throw new JournalImportException(JournalImportProblem.Refused, line, $"the target refused the events of line {line} (stream '{rows[0].AggregateId}'): {ex.Message}", ex);
        }
        if (outcome is not AppendOutcome.Committed committed)
            throw new JournalImportException(JournalImportProblem.Refused, line,
                $"the target refused the events of line {line}: stream '{rows[0].AggregateId}' is not at version {rows[0].Version - 1} there.");
        for (var i = 0; i < rows.Count; i++)
        {
            if (committed.Events[i].Position == rows[i].Position) continue;
            _moved++;
            _firstMoved ??= (rows[i].Position, committed.Events[i].Position);
        }
        _written += rows.Count;
        _progress?.Report(new JournalExportProgress(_written, _total));
    }

    /// <summary>The row as an event to write, as stored; its in-memory payload decoded, or unreadable for a type this process does not know.</summary>
    private UnwrittenEvent Unwritten(StoredRow row)
    {
        IDomainEvent payload;
        try
        {
            payload = _target.Serializer.Decode(row.Type, row.SchemaVersion, row.PayloadJson, out _, out _);
        }
        catch (Exception ex) when (ex is UnknownEventTypeException or EventUpcastException)
        {
            payload = new UnreadableEvent(row.Type, row.PayloadJson, ex.Message, IsUnknownType: true);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            payload = new UnreadableEvent(row.Type, row.PayloadJson, ex.Message, IsUnknownType: false);
        }
        IReadOnlyDictionary<string, string>? metadata;
        try
        {
            metadata = EventPayloadSerializer.DeserializeMetadata(row.MetadataJson);
        }
        catch (JsonException)
        {
            metadata = null;
        }
        return new UnwrittenEvent(row.Id, row.Type, row.AggregateId, row.AggregateType, row.Timestamp, row.Source, payload, metadata,
            row.CausationId, row.CorrelationId, row.PayloadJson, row.MetadataJson, row.Request, row.SchemaVersion);
    }

    private sealed record InFlight(Task<AppendOutcome> Task, List<StoredRow> Rows, long Line);
}

/// <summary>What an import wrote.</summary>
/// <param name="Source">Where the export came from (its header's source).</param>
/// <param name="Target">The journal it was imported into.</param>
/// <param name="Events">Events committed.</param>
/// <param name="Reminders">Durable reminders written.</param>
/// <param name="Bytes">Size of the export read, in UTF-8 bytes.</param>
/// <param name="Elapsed">How long it took, both passes.</param>
/// <param name="PositionsKept">Whether every event was committed at the position it had in the export.</param>
/// <param name="PositionsMoved">Events committed at another position than the export's (a source with gaps).</param>
/// <param name="FirstMovedFrom">The first moved event's position in the export, if any.</param>
/// <param name="FirstMovedTo">Its position in the target.</param>
public sealed record JournalImportResult(string Source, string Target, long Events, long Reminders, long Bytes, TimeSpan Elapsed,
    bool PositionsKept, long PositionsMoved, long? FirstMovedFrom, long? FirstMovedTo)
{
    /// <summary>Events imported per second.</summary>
    public double EventsPerSecond => Elapsed > TimeSpan.Zero ? Events / Elapsed.TotalSeconds : 0;
}
