using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Journal;

namespace EventStore.Store;

/// <summary>Checks the arguments of the store's operations against the journal's limits; each failure names what is wrong.</summary>
internal sealed class StoreArguments(JournalOptions options)
{
    private static readonly HashSet<string> BuiltInAggregateTypes = ["agent", "task", "memory", "swarm"];

    public string Id(string? value, string argument) => Guard.Id(value, argument, options.MaxIdLength);

    public void Append(string aggregateId, string aggregateType, IReadOnlyList<NewEvent>? events, long? expectedVersion)
    {
        Id(aggregateId, nameof(aggregateId));
        Id(aggregateType, nameof(aggregateType));
        if (events is null) throw new InvalidCommandException(nameof(events), "must not be null");
        if (events.Count == 0) throw new InvalidCommandException(nameof(events), "must hold at least one event");
        if (events.Count > options.MaxEventsPerAppend)
            throw new InvalidCommandException(nameof(events), $"holds {events.Count} events, over the limit of {options.MaxEventsPerAppend} per append");
        if (expectedVersion < 0) throw new InvalidCommandException(nameof(expectedVersion), $"is {expectedVersion}; a version is 0 (no event yet) or more");
        for (var i = 0; i < events.Count; i++)
        {
            var name = $"events[{i}]";
            var e = events[i] ?? throw new InvalidCommandException(name, "must not be null");
            if (e.Payload is null) throw new InvalidCommandException($"{name}.Payload", "must not be null");
            Guard.OptionalId(e.Id, $"{name}.Id", options.MaxIdLength);
            Guard.OptionalId(e.Source, $"{name}.Source", options.MaxIdLength);
            Guard.OptionalId(e.CausationId, $"{name}.CausationId", options.MaxIdLength);
            Guard.OptionalId(e.CorrelationId, $"{name}.CorrelationId", options.MaxIdLength);
            if (e.Metadata is not null) Guard.Map(e.Metadata, $"{name}.Metadata", options.MaxIdLength);
            if (e.Timestamp < 0) throw new InvalidCommandException($"{name}.Timestamp", $"is {e.Timestamp}; Unix milliseconds are not negative");
        }
        var ids = events.Where(e => e.Id is not null).Select(e => e.Id!).ToList();
        if (ids.Distinct(StringComparer.Ordinal).Count() != ids.Count)
            throw new DuplicateEventIdException(ids.GroupBy(id => id).First(g => g.Count() > 1).Key, "it appears twice in the same append");
    }

    /// <summary>The events of a built-in aggregate type must be of that type (<c>agent:…</c> for an agent), or its grain could not fold them.</summary>
    public static void EventBelongsTo(string aggregateType, string eventType, int index)
    {
        if (BuiltInAggregateTypes.Contains(aggregateType) && !eventType.StartsWith(aggregateType + ":", StringComparison.Ordinal))
            throw new InvalidCommandException($"events[{index}]", $"a '{eventType}' event cannot be appended to a {aggregateType} aggregate");
    }

    public void Page(long fromPosition, int limit)
    {
        if (fromPosition < 0) throw new InvalidCommandException(nameof(fromPosition), $"is {fromPosition}; positions are not negative");
        Limit(limit, nameof(limit));
    }

    public void Filter(EventFilter? filter)
    {
        if (filter is null) throw new InvalidCommandException(nameof(filter), "must not be null");
        Values(filter.AggregateIds, nameof(filter.AggregateIds));
        Values(filter.AggregateTypes, nameof(filter.AggregateTypes));
        Values(filter.EventTypes, nameof(filter.EventTypes));
        if (filter.Limit is { } limit) Limit(limit, nameof(filter.Limit));
        if (filter.Offset < 0) throw new InvalidCommandException(nameof(filter.Offset), $"is {filter.Offset}; an offset is 0 or more");
        if (filter.After < 0) throw new InvalidCommandException(nameof(filter.After), $"is {filter.After}; Unix milliseconds are not negative");
        if (filter.Before < 0) throw new InvalidCommandException(nameof(filter.Before), $"is {filter.Before}; Unix milliseconds are not negative");
        if (filter.After is { } after && filter.Before is { } before && before <= after)
            throw new InvalidCommandException(nameof(filter.Before), $"is {before}, not after After ({after}): the time range is empty");
        if (filter.FromVersion < 0) throw new InvalidCommandException(nameof(filter.FromVersion), $"is {filter.FromVersion}; versions are not negative");
    }

    public void Snapshot(Snapshot? snapshot)
    {
        if (snapshot is null) throw new InvalidCommandException(nameof(snapshot), "must not be null");
        Id(snapshot.AggregateId, nameof(snapshot.AggregateId));
        Id(snapshot.AggregateType, nameof(snapshot.AggregateType));
        if (snapshot.Version < 1) throw new InvalidCommandException(nameof(snapshot.Version), $"is {snapshot.Version}; a snapshot is taken at version 1 or later");
        if (snapshot.State is null) throw new InvalidCommandException(nameof(snapshot.State), "must not be null");
        var size = System.Text.Encoding.UTF8.GetByteCount(snapshot.State);
        if (size > options.MaxSnapshotBytes) throw new PayloadTooLargeException("snapshot", size, options.MaxSnapshotBytes);
    }

    // ---- Run timelines: correlation and causation ----

    /// <summary>A causation tree's limit: it holds at least its root, and at most a page.</summary>
    public void TreeLimit(int limit)
    {
        if (limit < 1) throw new InvalidCommandException(nameof(limit), $"is {limit}; a tree holds at least its root, so the limit is 1 or more");
        Limit(limit, nameof(limit));
    }

    private void Limit(int limit, string argument)
    {
        if (limit < 0) throw new InvalidCommandException(argument, $"is {limit}; a limit is 0 or more");
        if (limit > options.MaxPageSize) throw new InvalidCommandException(argument, $"is {limit}, over the page size limit of {options.MaxPageSize}");
    }

    private void Values(IReadOnlyList<string>? values, string argument)
    {
        if (values is null) return;
        if (values.Count == 0) throw new InvalidCommandException(argument, "is empty, which would match nothing; leave it null for no condition");
        if (values.Count > options.MaxFilterValues)
            throw new InvalidCommandException(argument, $"holds {values.Count} values, over the limit of {options.MaxFilterValues}");
        for (var i = 0; i < values.Count; i++) Id(values[i], $"{argument}[{i}]");
    }
}
