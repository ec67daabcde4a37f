using EventStore.Events;

namespace EventStore.Journal;

/// <summary>How much the group-commit writer takes at once, and how much may wait for it.</summary>
internal sealed record WriterLimits(int MaxEventsPerCommit, long MaxQueuedEvents, long MaxQueuedBytes);

/// <summary>Events to append to one stream, valid only if the stream is still at <see cref="ExpectedVersion"/>.</summary>
internal sealed record StreamAppend(string AggregateId, string AggregateType, long ExpectedVersion, IReadOnlyList<UnwrittenEvent> Events);

/// <summary>What became of a <see cref="StreamAppend"/> that reached the database.</summary>
internal abstract record AppendOutcome
{
    /// <summary>All events are committed, with their versions and positions.</summary>
    public sealed record Committed(IReadOnlyList<EventEnvelope> Events) : AppendOutcome;

    /// <summary>The stream had moved on to <see cref="ActualVersion"/>; nothing was written.</summary>
    public sealed record VersionConflict(long ActualVersion) : AppendOutcome;
}
