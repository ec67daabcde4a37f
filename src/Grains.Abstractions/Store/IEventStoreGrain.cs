using EventStore.Events;

namespace EventStore.Store;

/// <summary>
/// The event store's whole surface, for coordinator code: append, read, query, snapshots, stats and
/// backup. A stateless worker: get it with <see cref="EventStoreGrainExtensions.GetEventStore"/>.
/// Every call returns only after its work is durable (appends) or read from committed data.
/// </summary>
public interface IEventStoreGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Appends events to an aggregate, in one transaction. With <paramref name="expectedVersion"/>, the
    /// aggregate must be at exactly that version (0: it must not exist yet), or nothing is written and
    /// <see cref="Errors.ConcurrencyConflictException"/> names both versions. A retry with the same event
    /// ids and payloads returns the original result and writes nothing.
    /// </summary>
    Task<AppendResult> Append(string aggregateId, string aggregateType, IReadOnlyList<NewEvent> events, long? expectedVersion = null);

    /// <summary>The aggregate's events from <paramref name="fromVersion"/> (inclusive), in version order.</summary>
    Task<IReadOnlyList<EventEnvelope>> GetEvents(string aggregateId, long fromVersion = 1);

    /// <summary>Events of one type from <paramref name="fromPosition"/> (inclusive), in global order, at most <paramref name="limit"/>.</summary>
    Task<EventPage> GetEventsByType(string eventType, long fromPosition = 0, int limit = 1000);

    /// <summary>A page of the whole log from <paramref name="fromPosition"/> (inclusive), in global commit order. <see cref="EventStoreGrainExtensions.Replay"/> streams through it.</summary>
    Task<EventPage> ReadAll(long fromPosition = 0, int limit = 1000);

    /// <summary>Events matching a filter, in global order.</summary>
    Task<IReadOnlyList<EventEnvelope>> Query(EventFilter filter);

    /// <summary>
    /// Saves a client's snapshot of an aggregate, for clients that fold events themselves; a snapshot at a
    /// lower version than the stored one is ignored (the latest wins). The aggregate must have an event at
    /// <see cref="Snapshot.Version"/>, of <see cref="Snapshot.AggregateType"/>. These snapshots are kept
    /// apart from the ones journaled grains take of themselves: a grain never activates from a snapshot
    /// saved here, so no client can decide an aggregate's state; only its events can.
    /// </summary>
    Task SaveSnapshot(Snapshot snapshot);

    /// <summary>
    /// The latest snapshot saved for the aggregate through <see cref="SaveSnapshot"/>, if any. A grain's
    /// own snapshots (an encoding private to the silo's code) are not returned: null for an aggregate no
    /// client saved a snapshot of. (A journal written before grains had their own table may still hold
    /// grain snapshots here; grains no longer read them.)
    /// </summary>
    Task<Snapshot?> GetSnapshot(string aggregateId);

    /// <summary>Counts and sizes of the journal.</summary>
    Task<EventStoreStats> GetStats();

    /// <summary>
    /// Copies the journal, while writes go on, with SQLite's online backup (a consistent database that opens on
    /// its own), to a new file named <paramref name="fileName"/> in the silo's backup folder
    /// (<c>EventStore:Journal:BackupFolder</c>; by default <c>backups</c> beside the journal file).
    /// </summary>
    /// <param name="fileName">
    /// A plain file name: letters, digits, '.', '-' and '_', starting with a letter or digit, at most 128 characters,
    /// no path and no '..'. It must not be taken yet (a backup never replaces a file) nor name the journal's own files;
    /// otherwise <see cref="Errors.InvalidCommandException"/> says why and nothing is written.
    /// </param>
    /// <returns>The backup's full path on the silo's machine, its size and the last position it holds.</returns>
    Task<BackupResult> Backup(string fileName);

    /// <summary>
    /// Copies the WAL into the database file and truncates it. It never waits for a lock, so it never
    /// delays or fails an append: while a reader still needs the WAL (a long backup or query) or a
    /// commit is under way, it copies what it can and reports <see cref="CheckpointResult.Busy"/>; call again later.
    /// </summary>
    Task<CheckpointResult> Checkpoint();

    // ---- Run timelines: correlation and causation ----

    /// <summary>
    /// A page of the events of one run, workflow or conversation: those whose <see cref="EventEnvelope.CorrelationId"/> is
    /// <paramref name="correlationId"/>, from <paramref name="fromPosition"/> (inclusive), in global commit order, whatever
    /// aggregates they belong to; at most <paramref name="limit"/> (up to 10,000). Pass the page's
    /// <see cref="EventPage.NextPosition"/> as <paramref name="fromPosition"/> for the next page, until <see cref="EventPage.IsEnd"/>.
    /// A correlation id no event has gives an empty page. Each page is one range of an index, whatever the journal's size.
    /// </summary>
    Task<EventPage> GetTimeline(string correlationId, long fromPosition = 0, int limit = 1000);

    /// <summary>
    /// The event <paramref name="eventId"/> and every event it caused, transitively (see <see cref="CausationTree"/>), at
    /// most <paramref name="limit"/> of them (1 to 10,000): a larger tree comes back cut off, breadth first, and says so.
    /// Causation ids are free text, so they may form a cycle; a cycle ends the walk where it comes back to the root.
    /// An event id the journal does not hold is refused with <see cref="Errors.InvalidCommandException"/> naming it.
    /// </summary>
    Task<CausationTree> GetCausationTree(string eventId, int limit = 1000);
}
