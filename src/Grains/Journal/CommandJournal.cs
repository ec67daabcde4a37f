using EventStore.Aggregates;
using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// What an aggregate grain needs from the journal to run a command, besides the log-consistency provider
/// that appends its events: the stored name of an event type, the idempotency check of a caller-chosen
/// event id (the same rule as the event store's appends), the command's deadline, the journal's limits
/// and the clock. Registered with the journal; aggregate grains take it through their constructor.
/// </summary>
public sealed class CommandJournal
{
    private readonly EventJournal _journal;
    private readonly TimeProvider _clock;

    internal CommandJournal(EventJournal journal, TimeProvider clock) => (_journal, _clock) = (journal, clock);

    /// <summary>Longest id accepted.</summary>
    internal int MaxIdLength => _journal.Options.MaxIdLength;

    /// <summary>The current time.</summary>
    internal DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>The stored name of an event type (its <see cref="EventTypeAttribute"/>), or its class name if unregistered.</summary>
    internal string TypeNameOf(Type eventType) => _journal.Serializer.Registry.TryGetName(eventType, out var name) ? name : eventType.Name;

    /// <summary>A new event of the aggregate, to raise (see <see cref="EventJournal.Draft"/>).</summary>
    internal EventEnvelope Draft(string aggregateId, string aggregateType, IDomainEvent payload, string source, string? eventId, CommandContext? context) =>
        _journal.Draft(aggregateId, aggregateType, payload, source, eventId, metadata: context?.Metadata, causationId: context?.CausationId, correlationId: context?.CorrelationId);

    /// <summary>The payload as the journal stores it.</summary>
    internal string Serialize(IDomainEvent payload) => _journal.Serializer.Serialize(payload);

    /// <summary>A deadline <c>AppendTimeout</c> from now, for all the attempts of one command.</summary>
    internal JournalDeadline NewDeadline() => _journal.NewDeadline();

    /// <summary>The receipt of the event stored under the request's id if it answers this request, null if there is none; throws if another request has that id.</summary>
    internal async Task<EventReceipt?> FindEarlierReceipt(EventRequest request) => (await _journal.FindEarlierAsync([request]))?[0];
}
