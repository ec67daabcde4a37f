using System.Text.RegularExpressions;
using EventStore.Events;

namespace EventStore.Projections;

/// <summary>
/// A read model folded from the journal: which events it reads, the tables it keeps, and how one event
/// changes their records. Register it on the silo with <c>AddProjection&lt;T&gt;()</c> (after
/// <c>AddEventStoreProjections</c>) and answer its queries from a grain deriving from
/// <see cref="ProjectionQueryGrain{TProjection}"/>. One projector activation in the cluster runs it: it applies
/// every event of <see cref="AggregateTypes"/> exactly once, in position order, and commits the records it changed
/// with its checkpoint in one transaction, so that a crash never applies an event twice or loses one; it catches
/// up from the journal on activation, rebuilds into new tables on request or when <see cref="ShapeVersion"/>
/// changes, and reports its lag. The built-in AgentState, TaskHistory and MemoryIndex projections are written
/// the same way. A derived class needs a public parameterless constructor and must not keep state of its own:
/// everything lasting goes into its <see cref="Tables"/>.
/// </summary>
public abstract partial class Projection
{
    /// <summary>
    /// The projection's name: 1-30 lower-case letters, digits and single underscores, starting with a letter and not
    /// ending with an underscore (<c>work_summary</c>). It names its tables and its checkpoint, so it must be unique
    /// among the silo's projections and must not change while its tables are to be kept.
    /// </summary>
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

    /// <summary>Checks a projection name (see <see cref="Name"/>); returns it, or throws naming what is wrong.</summary>
    internal static string CheckName(string name) =>
        name is not null && PlainName().IsMatch(name) && !name.Contains("__", StringComparison.Ordinal) && !name.EndsWith('_')
            ? name
            : throw new ArgumentException(
                $"The projection name '{name}' must be 1-30 lower-case letters, digits or single underscores, starting with a letter and not ending with an underscore.");

    [GeneratedRegex("^[a-z][a-z0-9_]{0,29}$")]
    private static partial Regex PlainName();
}
