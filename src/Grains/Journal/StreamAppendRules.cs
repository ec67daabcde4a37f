using EventStore.Errors;
using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// The decisions every backend's batch store makes the same way when it writes one <see cref="StreamAppend"/>:
/// whether the stream's head lets it in, what its events look like once committed, and what a unique
/// constraint that refused it means. The backends only run the SQL.
/// </summary>
internal static class StreamAppendRules
{
    /// <summary>Null if the append may be written on a stream whose head is this; else its refusal (an outcome or an exception).</summary>
    public static object? Refusal(StreamAppend append, long headVersion, string? headType)
    {
        if (headType is not null && headType != append.AggregateType)
            return new InvalidCommandException("aggregateId",
                $"'{append.AggregateId}' is the id of a {headType} stream; a {append.AggregateType} cannot use it");
        return headVersion != append.ExpectedVersion ? new AppendOutcome.VersionConflict(headVersion) : null;
    }

    /// <summary>
    /// Refuses an append whose events name another stream than the append itself (a bug in its caller): the rows go
    /// under the append's stream, the receipts and the committed feed under the events', and the two must never differ.
    /// </summary>
    public static void CheckEventsBelongTo(StreamAppend append)
    {
        foreach (var e in append.Events)
            if (e.AggregateId != append.AggregateId || e.AggregateType != append.AggregateType)
                throw new ArgumentException($"An event of the append to {append.AggregateType} '{append.AggregateId}' names {e.AggregateType} '{e.AggregateId}'.", nameof(append));
    }

    /// <summary>The version the <paramref name="index"/>-th event of the append gets.</summary>
    public static long VersionOf(StreamAppend append, int index) => append.ExpectedVersion + index + 1;

    /// <summary>The <paramref name="index"/>-th event of the append as committed at <paramref name="position"/>.</summary>
    public static EventEnvelope Committed(StreamAppend append, int index, long position) =>
        append.Events[index].Committed(VersionOf(append, index), position);

    /// <summary>
    /// What a unique constraint that refused the append means, given the stream's head read again afterwards:
    /// a version another writer took first, or an event id already used (named, with what holds it;
    /// <paramref name="findOwner"/> looks an id up in the same transaction).
    /// </summary>
    public static object AfterViolation(StreamAppend append, long headVersion, Func<string, (string AggregateId, long Version)?> findOwner, string constraint)
    {
        if (headVersion != append.ExpectedVersion) return new AppendOutcome.VersionConflict(headVersion);
        var ids = append.Events.Select(e => e.Id).ToList();
        if (ids.GroupBy(id => id).FirstOrDefault(g => g.Count() > 1) is { } twice)
            return new DuplicateEventIdException(twice.Key, "it appears twice in the same append");
        foreach (var id in ids)
            if (findOwner(id) is { } owner)
                return new DuplicateEventIdException(id, $"it is event version {owner.Version} of aggregate '{owner.AggregateId}'");
        return new JournalUnavailableException($"A constraint of the journal ({constraint}) refused the append to '{append.AggregateId}'.");
    }
}
