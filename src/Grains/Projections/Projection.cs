using EventStore.Events;

namespace EventStore.Projections;

/// <summary>
/// A read model folded from the journal: which events it reads, the tables it keeps, and how one event
/// changes their records. A <see cref="ProjectorGrain{TProjection}"/> runs it: it applies every event of
/// <see cref="AggregateTypes"/> exactly once, in position order, and commits the records it changed with
/// its checkpoint in one transaction, so that a crash never applies an event twice or loses one.
/// </summary>
public abstract class Projection
{
    /// <summary>The projection's name (lower-case letters, digits, underscores): it names its tables and its checkpoint.</summary>
    public abstract string Name { get; }

    /// <summary>The aggregate types whose events it reads.</summary>
    public abstract IReadOnlyList<string> AggregateTypes { get; }

    /// <summary>The tables it keeps.</summary>
    public abstract IReadOnlyList<RecordTable> Tables { get; }

    /// <summary>
    /// The version of the tables' shape and meaning. Raise it whenever stored records would no longer mean what
    /// the code expects (keys, fields or columns changed): the projection then rebuilds into new tables from the
    /// journal while the old ones keep answering, and switches when the new ones have caught up.
    /// </summary>
    public virtual int ShapeVersion => 1;

    /// <summary>
    /// The records <paramref name="envelope"/> will read, if known before applying it: a projection that says so
    /// has them read in one query per table for a whole batch instead of one query per event. Optional.
    /// </summary>
    public virtual IEnumerable<RecordKey> KeysOf(EventEnvelope envelope) => [];

    /// <summary>Applies one event to the records: read them with <paramref name="records"/>, then put or delete them. Must not do anything else that lasts.</summary>
    public abstract ValueTask ApplyAsync(EventEnvelope envelope, RecordSession records);
}
