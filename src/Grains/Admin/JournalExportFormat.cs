namespace EventStore.Admin;

/// <summary>
/// The journal export file (<c>export</c> writes it, <c>import</c> reads it): UTF-8 JSON lines, one object per line, each
/// with a <c>kind</c>. First a <c>header</c> (<c>format</c>, <c>version</c>, <c>source</c>, <c>fromPosition</c>,
/// <c>headPosition</c>); then one <c>event</c> line per row in position order with every column as stored (<c>position</c>,
/// <c>id</c>, <c>type</c>, <c>schemaVersion</c>, <c>aggregateId</c>, <c>aggregateType</c>, <c>version</c>, <c>timestamp</c>,
/// <c>source</c>, <c>causationId</c>, <c>correlationId</c>, <c>request</c>, <c>metadata</c>, <c>payload</c>); then one
/// <c>reminder</c> line per durable reminder; last an <c>end</c> line with the counts, so that a truncated file is told
/// from a whole one. The payload and metadata are embedded as JSON values whose text is the stored text byte for byte;
/// a stored text that cannot be embedded so (not JSON, a line break, whitespace at its ends) is written as a string
/// under <c>payloadText</c> / <c>metadataText</c> instead. A row without metadata has neither property.
/// </summary>
public static class JournalExportFormat
{
    /// <summary>The header's <c>format</c>.</summary>
    public const string Name = "agents-event-store/journal-export";

    /// <summary>The header's <c>version</c>: the format this code writes and the only one it reads.</summary>
    public const int Version = 1;

    internal const string Kind = "kind";
    internal const string HeaderKind = "header";
    internal const string EventKind = "event";
    internal const string ReminderKind = "reminder";
    internal const string EndKind = "end";
    internal const string TextSuffix = "Text";
}

/// <summary>The first line of an export.</summary>
internal sealed record ExportHeader(string Format, int Version, string Source, long FromPosition, long HeadPosition);

/// <summary>A durable reminder (a memory key's time to live): Orleans' reminder row without its ETag; times in .NET ticks (UTC).</summary>
internal sealed record ExportedReminder(string ServiceId, string GrainId, string Name, long StartAtTicks, long PeriodTicks);

/// <summary>The last line of an export: what it holds.</summary>
internal sealed record ExportEnd(long Events, long Reminders);
