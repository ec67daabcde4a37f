using System.Runtime.CompilerServices;
using EventStore.Aggregates;
using EventStore.Diagnostics;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;

namespace EventStore.Store;

/// <summary>
/// The event store's operations over the event journal, whatever its database: appends and snapshots through the
/// journal's append pipeline, reads through its reader.
/// </summary>
internal sealed class JournalEventStore(EventJournal journal, IJournalReader reader, JournalOptions options, EventPayloadSerializer serializer, TimeProvider clock,
    EventStoreMetrics metrics)
    : IEventStore
{
    private const int MaxAttempts = 3;
    private const string DefaultSource = "event-store";
    private readonly StoreArguments _check = new(options);

    public async Task<AppendResult> AppendAsync(string aggregateId, string aggregateType, IReadOnlyList<NewEvent> events, long? expectedVersion = null)
    {
        var trace = AppendTrace.Start(metrics, "append", aggregateType, aggregateId, aggregateType);
        try
        {
            var result = await AppendEventsAsync(aggregateId, aggregateType, events, expectedVersion);
            trace.Succeeded(result.Events, duplicate: result.WasRetry);
            return result;
        }
        catch (Exception ex)
        {
            trace.Failed(ex);
            throw;
        }
    }

    private async Task<AppendResult> AppendEventsAsync(string aggregateId, string aggregateType, IReadOnlyList<NewEvent> events, long? expectedVersion)
    {
        _check.Append(aggregateId, aggregateType, events, expectedVersion);
        var pending = events.Select((e, i) => Prepare(aggregateId, aggregateType, e, i)).ToList();
        var callerIds = events.All(e => e.Id is not null);
        if (callerIds && await FindRetryAsync(aggregateId, aggregateType, pending) is { } earlier) return earlier;

        // One budget for every attempt, so the caller hears the journal's own error before Orleans' response timeout.
        var deadline = JournalDeadline.After(options.AppendTimeout, clock);
        for (var attempt = 1; ; attempt++)
        {
            var expected = expectedVersion ?? await reader.GetStreamVersionAsync(aggregateId);
            AppendOutcome outcome;
            try
            {
                outcome = await journal.AppendAsync(new StreamAppend(aggregateId, aggregateType, expected, pending), deadline);
            }
            catch (DuplicateEventIdException) when (callerIds)
            {
                // An identical retry may have committed first: answer as it was answered.
                if (await FindRetryAsync(aggregateId, aggregateType, pending) is { } raced) return raced;
                throw;
            }

            switch (outcome)
            {
                case AppendOutcome.Committed committed:
                    return new AppendResult(aggregateId, committed.Events.Select(Receipt).ToList(), WasRetry: false);
                case AppendOutcome.VersionConflict conflict when expectedVersion is not null || attempt == MaxAttempts:
                    if (callerIds && await FindRetryAsync(aggregateId, aggregateType, pending) is { } raced) return raced;
                    throw new ConcurrencyConflictException(aggregateId, expected, conflict.ActualVersion);
            }
        }
    }

    public Task<IReadOnlyList<EventEnvelope>> GetEventsAsync(string aggregateId, long fromVersion = 1)
    {
        _check.Id(aggregateId, nameof(aggregateId));
        if (fromVersion < 0) throw new InvalidCommandException(nameof(fromVersion), $"is {fromVersion}; versions are not negative");
        return reader.ReadStreamAsync(aggregateId, afterVersion: Math.Max(0, fromVersion - 1));
    }

    public Task<EventPage> GetEventsByTypeAsync(string eventType, long fromPosition = 0, int limit = 1000)
    {
        _check.Id(eventType, nameof(eventType));
        _check.Page(fromPosition, limit);
        return PageAsync(fromPosition, limit, eventType);
    }

    public Task<EventPage> ReadAllAsync(long fromPosition = 0, int limit = 1000)
    {
        _check.Page(fromPosition, limit);
        return PageAsync(fromPosition, limit, eventType: null);
    }

    public async IAsyncEnumerable<EventEnvelope> ReplayAsync(long fromPosition = 0, int pageSize = 1000,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        _check.Page(fromPosition, pageSize);
        if (pageSize == 0) throw new InvalidCommandException(nameof(pageSize), "must be at least 1 to make progress");
        var position = fromPosition;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await PageAsync(position, pageSize, eventType: null);
            foreach (var envelope in page.Events) yield return envelope;
            if (page.IsEnd) yield break;
            position = page.NextPosition;
        }
    }

    public async Task<IReadOnlyList<EventEnvelope>> QueryAsync(EventFilter filter)
    {
        _check.Filter(filter);
        var max = options.MaxPageSize;
        var events = await reader.QueryAsync(WithStoredNames(filter), filter.Limit ?? max + 1);
        if (events.Count > max)
            throw new InvalidCommandException(nameof(filter.Limit),
                $"the query matches more than {max} events; give a Limit of at most {max} and page with Offset, or use Replay");
        return events;
    }

    public async Task SaveSnapshotAsync(Snapshot snapshot)
    {
        _check.Snapshot(snapshot);
        var head = await reader.ReadStreamAsync(snapshot.AggregateId, snapshot.Version - 1, snapshot.Version);
        if (head.Count == 0)
            throw new InvalidCommandException(nameof(snapshot.Version), $"aggregate '{snapshot.AggregateId}' has no event at version {snapshot.Version}");
        if (head[0].AggregateType != snapshot.AggregateType)
            throw new InvalidCommandException(nameof(snapshot.AggregateType), $"aggregate '{snapshot.AggregateId}' is a {head[0].AggregateType}, not a {snapshot.AggregateType}");
        await journal.SaveSnapshotAsync(snapshot, SnapshotOwner.Store);
    }

    public Task<Snapshot?> GetSnapshotAsync(string aggregateId)
    {
        _check.Id(aggregateId, nameof(aggregateId));
        return reader.GetSnapshotAsync(aggregateId, SnapshotOwner.Store);
    }

    public async Task<EventStoreStats> GetStatsAsync() => await reader.GetStatsAsync(await journal.GetSizeBytesAsync());

    public Task<BackupResult> BackupAsync(string fileName) => journal.BackupAsync(fileName);

    public Task<CheckpointResult> CheckpointAsync() => journal.CheckpointAsync();

    private async Task<EventPage> PageAsync(long fromPosition, int limit, string? eventType)
    {
        // One row more than asked tells whether anything follows the page.
        var events = eventType is not null && serializer.StoredNamesOf(eventType) is { Count: > 1 } storedNames
            ? await reader.ReadTypesFromPositionAsync(fromPosition, limit + 1, storedNames)
            : await reader.ReadFromPositionAsync(fromPosition, limit + 1, eventType);
        return Page(events, fromPosition, limit);
    }

    /// <summary>A page of at most <paramref name="limit"/> events cut from one read of <paramref name="limit"/> + 1.</summary>
    private static EventPage Page(IReadOnlyList<EventEnvelope> events, long fromPosition, int limit)
    {
        var page = events.Count > limit ? events.Take(limit).ToList() : events;
        var next = page.Count == 0 ? fromPosition : page[^1].Position + 1;
        return new EventPage(page, next, IsEnd: events.Count <= limit);
    }

    /// <summary>
    /// A read by event type finds the type's rows under every name they are stored under: an upcaster that renamed a type
    /// makes the old name's rows the new type's (and a read by the old name finds the new ones too).
    /// </summary>
    private EventFilter WithStoredNames(EventFilter filter) =>
        filter.EventTypes is { } types ? filter with { EventTypes = types.SelectMany(serializer.StoredNamesOf).Distinct(StringComparer.Ordinal).ToList() } : filter;

    private UnwrittenEvent Prepare(string aggregateId, string aggregateType, NewEvent e, int index)
    {
        try
        {
            return PrepareOne(aggregateId, aggregateType, e, index);
        }
        catch (InvalidCommandException ex) when (ex.Argument == "payload")
        {
            throw new InvalidCommandException($"events[{index}].Payload", ex.Problem);
        }
    }

    private UnwrittenEvent PrepareOne(string aggregateId, string aggregateType, NewEvent e, int index)
    {
        // An event of another aggregate type is refused as such, before the journal compares the ids in its payload.
        StoreArguments.EventBelongsTo(aggregateType, serializer.TypeNameOf(e.Payload), index);
        return journal.Prepare(aggregateId, aggregateType, e.Payload, e.Source ?? DefaultSource, e.Id, e.Timestamp, e.Metadata, e.CausationId, e.CorrelationId);
    }

    /// <summary>
    /// If every event id is already stored, each answering its event's request (<see cref="EventRequest"/>: same
    /// aggregate, type and payload), this append is a retry: the original receipts. If only some are, or with
    /// other content, it is a different append reusing ids: refused. If none are, null.
    /// </summary>
    private async Task<AppendResult?> FindRetryAsync(string aggregateId, string aggregateType, IReadOnlyList<UnwrittenEvent> pending) =>
        await journal.FindEarlierAsync(pending.Select(EventRequest.Of).ToList()) is { } receipts
            ? new AppendResult(aggregateId, receipts, WasRetry: true)
            : null;

    private static EventReceipt Receipt(EventEnvelope e) => new(e.Id, e.Type, e.AggregateId, e.Version, e.Position);

    // ---- Run timelines: correlation and causation ----

    public async Task<EventPage> GetTimelineAsync(string correlationId, long fromPosition = 0, int limit = 1000)
    {
        _check.Id(correlationId, nameof(correlationId));
        _check.Page(fromPosition, limit);
        return Page(await reader.ReadCorrelationAsync(correlationId, fromPosition, limit + 1), fromPosition, limit);
    }

    public async Task<CausationTree> GetCausationTreeAsync(string eventId, int limit = 1000)
    {
        _check.Id(eventId, nameof(eventId));
        _check.TreeLimit(limit);
        var rows = await reader.ReadCausationTreeAsync(eventId, limit + 1);
        if (rows.Count == 0) throw new InvalidCommandException(nameof(eventId), $"no event has the id '{eventId}'");
        return CausationTreeShape.Of(eventId, rows, limit);
    }
}
