using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// One event ready to be written: its envelope (version and position still 0), its JSON, and the
/// fingerprint of the request that asked for it (see <see cref="EventRequest"/>).
/// </summary>
internal sealed record PendingEvent(EventEnvelope Envelope, string PayloadJson, string? MetadataJson, string? Request = null)
{
    /// <summary>What the event holds in memory while it waits for the writer, roughly (UTF-16 text and a fixed overhead).</summary>
    public long EstimatedBytes { get; } = 256 + 2L * (PayloadJson.Length + (MetadataJson?.Length ?? 0) + Envelope.Id.Length + Envelope.AggregateId.Length);
}

/// <summary>How much the group-commit writer takes at once, and how much may wait for it.</summary>
internal sealed record WriterLimits(int MaxEventsPerCommit, long MaxQueuedEvents, long MaxQueuedBytes);

/// <summary>Events to append to one stream, valid only if the stream is still at <see cref="ExpectedVersion"/>.</summary>
internal sealed record StreamAppend(string AggregateId, string AggregateType, long ExpectedVersion, IReadOnlyList<PendingEvent> Events);

/// <summary>What became of a <see cref="StreamAppend"/> that reached the database.</summary>
internal abstract record AppendOutcome
{
    /// <summary>All events are committed, with their versions and positions.</summary>
    public sealed record Committed(IReadOnlyList<EventEnvelope> Events) : AppendOutcome;

    /// <summary>The stream had moved on to <see cref="ActualVersion"/>; nothing was written.</summary>
    public sealed record VersionConflict(long ActualVersion) : AppendOutcome;
}
