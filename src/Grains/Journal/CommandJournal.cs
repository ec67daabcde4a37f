using EventStore.Aggregates;
using EventStore.Diagnostics;
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
    private readonly EventPayloadSerializer _serializer;
    private readonly TimeProvider _clock;
    private readonly EventStoreMetrics _metrics;

    internal CommandJournal(EventJournal journal, int maxIdLength, EventPayloadSerializer serializer, TimeProvider clock, EventStoreMetrics metrics) =>
        (_journal, MaxIdLength, _serializer, _clock, _metrics) = (journal, maxIdLength, serializer, clock, metrics);

    /// <summary>Longest id accepted (<see cref="JournalOptions.MaxIdLength"/>).</summary>
    internal int MaxIdLength { get; }

    /// <summary>The current time.</summary>
    internal DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>The stored name of an event type (its <see cref="EventTypeAttribute"/>), or its class name if unregistered.</summary>
    internal string TypeNameOf(Type eventType) => _serializer.Registry.TryGetName(eventType, out var name) ? name : eventType.Name;

    /// <summary>
    /// The entry an aggregate raises for a new event. A <c>JournaledGrain</c> raises entries of the type its view
    /// folds, and an aggregate's view folds committed envelopes; so the entry is an envelope of what the command
    /// chose (id, type, source, time, payload, context) with version and position 0. The log-view adaptor reads
    /// only those choices from it, and the journal prepares the event to write from them
    /// (<see cref="EventJournal.Prepare"/>). The id is new unless the caller chose one.
    /// </summary>
    internal EventEnvelope Entry(string aggregateId, string aggregateType, IDomainEvent payload, string source, string? eventId, CommandContext? context) =>
        new(eventId ?? Guid.CreateVersion7().ToString(), TypeNameOf(payload.GetType()), aggregateId, aggregateType, Version: 0, Position: 0,
            Now.ToUnixTimeMilliseconds(), source, payload, context?.Metadata, context?.CausationId, context?.CorrelationId);

    /// <summary>The payload as the journal stores it.</summary>
    internal string Serialize(IDomainEvent payload) => _serializer.Serialize(payload);

    /// <summary>A deadline <c>AppendTimeout</c> from now, for all the attempts of one command.</summary>
    internal JournalDeadline NewDeadline() => _journal.NewDeadline();

    /// <summary>Starts measuring a command that raises an event of <paramref name="eventType"/> (its activity and its append metrics).</summary>
    internal AppendTrace StartCommand(string aggregateId, string aggregateType, string eventType) =>
        AppendTrace.Start(_metrics, "command", eventType, aggregateId, aggregateType);

    /// <summary>The receipt of the event stored under the request's id if it answers this request, null if there is none; throws if another request has that id.</summary>
    internal async Task<EventReceipt?> FindEarlierReceipt(EventRequest request) => (await _journal.FindEarlierAsync([request]))?[0];
}
