using System.Diagnostics;

namespace EventStore.Admin;

/// <summary>
/// Writes a journal's rows, exactly as stored, as an export file (<see cref="JournalExportFormat"/>): the rows from a
/// position up to the head position read at the start, a page at a time (memory stays bounded), then the durable
/// reminders. Reads only committed rows and never blocks a silo writing the same database, so it is consistent and safe
/// while silos run.
/// </summary>
public static class JournalExport
{
    private const int PageSize = 2000;

    /// <summary>
    /// Exports <paramref name="journal"/> to <paramref name="output"/> from <paramref name="fromPosition"/> (0: the whole
    /// journal), with the reminders of <paramref name="serviceId"/>. <paramref name="progress"/> hears the events written so far.
    /// </summary>
    public static async Task<JournalExportResult> WriteAsync(OfflineJournal journal, TextWriter output, long fromPosition, string serviceId,
        IProgress<JournalExportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(fromPosition);
        var clock = Stopwatch.StartNew();
        var reader = journal.Reader;
        var head = await reader.GetHeadPositionAsync();
        using var writer = new JournalExportWriter(output);
        await writer.WriteAsync(new ExportHeader(JournalExportFormat.Name, JournalExportFormat.Version, journal.Description, fromPosition, head), cancellationToken);
        long events = 0;
        var expected = Math.Max(0, head - Math.Max(fromPosition, 1) + 1);
        for (var next = fromPosition; next <= head;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await reader.ReadRowsAsync(next, PageSize);
            foreach (var row in page)
            {
                if (row.Position > head) break; // committed after the export began: the next export's
                await writer.WriteAsync(row, cancellationToken);
                events++;
            }
            if (page.Count < PageSize) break;
            next = page[^1].Position + 1;
            progress?.Report(new JournalExportProgress(events, expected));
        }
        progress?.Report(new JournalExportProgress(events, expected));
        var reminders = await JournalExportReminders.ReadAsync(journal, serviceId, cancellationToken);
        foreach (var reminder in reminders) await writer.WriteAsync(reminder, cancellationToken);
        await writer.WriteAsync(new ExportEnd(events, reminders.Count), cancellationToken);
        await output.FlushAsync(cancellationToken);
        return new JournalExportResult(events, reminders.Count, writer.Bytes, fromPosition, head, clock.Elapsed);
    }
}

/// <summary>What an export wrote.</summary>
/// <param name="Events">Event rows written.</param>
/// <param name="Reminders">Durable reminders written.</param>
/// <param name="Bytes">Size of the export, in UTF-8 bytes.</param>
/// <param name="FromPosition">The first position asked for.</param>
/// <param name="HeadPosition">The journal's head position when the export began: the last position it could hold.</param>
/// <param name="Elapsed">How long it took.</param>
public sealed record JournalExportResult(long Events, long Reminders, long Bytes, long FromPosition, long HeadPosition, TimeSpan Elapsed)
{
    /// <summary>Events written per second.</summary>
    public double EventsPerSecond => Elapsed > TimeSpan.Zero ? Events / Elapsed.TotalSeconds : 0;
}
