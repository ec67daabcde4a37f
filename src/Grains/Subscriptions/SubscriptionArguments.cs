using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Journal;

namespace EventStore.Subscriptions;

/// <summary>Checks a subscription's request; each failure names the field and what is wrong with it.</summary>
internal sealed class SubscriptionArguments(JournalOptions options, EventTypeRegistry registry)
{
    /// <summary>Refuses a request that is malformed or names an event type the silo does not know.</summary>
    public void Check(SubscriptionRequest? request)
    {
        if (request is null) throw new InvalidCommandException("request", "must not be null");
        if (request.AfterPosition < 0)
            throw new InvalidCommandException(nameof(request.AfterPosition), $"is {request.AfterPosition}; positions are not negative (0: from the first event)");
        Values(request.AggregateTypes, nameof(request.AggregateTypes));
        Values(request.EventTypes, nameof(request.EventTypes));
        if (request.EventTypes is { } types)
            for (var i = 0; i < types.Count; i++)
                if (!registry.TryGetType(types[i], out _))
                    throw new InvalidCommandException($"{nameof(request.EventTypes)}[{i}]", $"'{types[i]}' is not a registered event type");
    }

    /// <summary>
    /// The request's event types under every name their rows may be stored under: a type an upcaster renamed is also
    /// found under its former names (the events arrive under the current one).
    /// </summary>
    public IReadOnlyList<string>? StoredEventTypes(SubscriptionRequest request) =>
        request.EventTypes?.SelectMany(registry.Upcasters.StoredNamesOf).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Refuses a start past the head: such a position was never handed out by this journal.</summary>
    public static void StartsWithin(long afterPosition, long head)
    {
        if (afterPosition > head)
            throw new InvalidCommandException(nameof(SubscriptionRequest.AfterPosition),
                $"is {afterPosition}, past the journal's head ({head}); resume from a position this journal delivered");
    }

    private void Values(IReadOnlyList<string>? values, string field)
    {
        if (values is null) return;
        if (values.Count == 0) throw new InvalidCommandException(field, "is empty, which would match nothing; leave it null for no condition");
        if (values.Count > options.MaxFilterValues)
            throw new InvalidCommandException(field, $"holds {values.Count} values, over the limit of {options.MaxFilterValues}");
        for (var i = 0; i < values.Count; i++) Guard.Id(values[i], $"{field}[{i}]", options.MaxIdLength);
    }
}
