using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using Microsoft.Extensions.DependencyInjection;
using Orleans.EventSourcing;

namespace EventStore.Aggregates;

/// <summary>
/// Base of the four aggregates: a <c>JournaledGrain</c> on the SQLite journal whose commands run
/// <see cref="Execute{TEvent}"/>: validate against the confirmed state, raise one event conditionally
/// on the version validated against, and return a receipt only once the event is committed. If
/// another writer got there first, the grain catches up and decides again from the new state.
/// </summary>
/// <typeparam name="TView">The aggregate's state.</typeparam>
public abstract class AggregateGrain<TView> : JournaledGrain<TView, EventEnvelope>
    where TView : AggregateView, new()
{
    private const int MaxAttempts = 3;
    private SqliteEventJournal? _journal;
    private TimeProvider? _clock;

    /// <summary>The aggregate id: this grain's key.</summary>
    protected string Id => this.GetPrimaryKeyString();

    /// <summary>The aggregate type, as stored in the journal: this grain's type name.</summary>
    protected string AggregateType => this.GetGrainId().Type.ToString()!;

    /// <summary>The source recorded when the caller names none.</summary>
    protected virtual string DefaultSource => "coordinator";

    /// <summary>Longest id accepted, from the journal's options.</summary>
    protected int MaxIdLength => Journal.Options.MaxIdLength;

    /// <summary>The current time.</summary>
    protected DateTimeOffset Now => (_clock ??= ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System).GetUtcNow();

    private SqliteEventJournal Journal => _journal ??= ServiceProvider.GetRequiredService<SqliteEventJournal>();

    /// <summary>Every event is folded by the view itself.</summary>
    protected sealed override void TransitionState(TView state, EventEnvelope @event) => state.Apply(@event);

    /// <summary>
    /// The state as of the journal now: first catches up with any event appended by another writer
    /// (the event store's append, another process), then returns the confirmed view.
    /// </summary>
    protected async Task<TView> GetView()
    {
        await RefreshNow();
        return State;
    }

    /// <summary>An error saying <paramref name="command"/> is impossible now, and why.</summary>
    protected InvalidTransitionException Refuse(string command, string reason) => new(AggregateType, Id, command, reason);

    /// <summary>
    /// Runs one command: <paramref name="decide"/> validates against the state and returns the event
    /// (or throws); the event is appended conditionally and the receipt returned once it is durable.
    /// </summary>
    protected async Task<EventReceipt> Execute<TEvent>(CommandContext? context, Func<TView, TEvent> decide)
        where TEvent : IDomainEvent
    {
        Guard.Id(Id, "aggregateId", MaxIdLength);
        var eventId = ValidateContext(context);
        if (eventId is not null && await FindEarlierReceipt<TEvent>(eventId) is { } earlier) return earlier;

        for (var attempt = 1; ; attempt++)
        {
            var versionDecidedOn = State.Version;
            var payload = decide(State);
            var envelope = new EventEnvelope(
                Id: eventId ?? Guid.CreateVersion7().ToString(),
                Type: "",
                AggregateId: Id,
                AggregateType: AggregateType,
                Version: 0,
                Position: 0,
                Timestamp: Now.ToUnixTimeMilliseconds(),
                Source: context?.Source ?? DefaultSource,
                Payload: payload,
                Metadata: context?.Metadata,
                CausationId: context?.CausationId,
                CorrelationId: context?.CorrelationId);
            try
            {
                if (await RaiseConditionalEvent(envelope))
                    return new EventReceipt(envelope.Id, Journal.Serializer.TypeNameOf(payload), Id, State.Version, State.LastPosition);
            }
            catch (DuplicateEventIdException) when (eventId is not null)
            {
                // Raced with an identical retry: return its receipt if it was this very command.
                if (await FindEarlierReceipt<TEvent>(eventId) is { } raced) return raced;
                throw;
            }
            if (attempt == MaxAttempts) throw new ConcurrencyConflictException(Id, versionDecidedOn, State.Version);
        }
    }

    private string? ValidateContext(CommandContext? context)
    {
        if (context is null) return null;
        Guard.OptionalId(context.CorrelationId, nameof(context.CorrelationId), MaxIdLength);
        Guard.OptionalId(context.CausationId, nameof(context.CausationId), MaxIdLength);
        Guard.OptionalId(context.Source, nameof(context.Source), MaxIdLength);
        if (context.Metadata is not null) Guard.Map(context.Metadata, nameof(context.Metadata), MaxIdLength);
        return Guard.OptionalId(context.EventId, nameof(context.EventId), MaxIdLength);
    }

    /// <summary>The receipt of an event this command already wrote under <paramref name="eventId"/>, if any; throws if another event has that id.</summary>
    private async Task<EventReceipt?> FindEarlierReceipt<TEvent>(string eventId)
    {
        if (await Journal.FindEventAsync(eventId) is not { } stored) return null;
        var expectedType = Journal.Serializer.Registry.TryGetName(typeof(TEvent), out var name) ? name : typeof(TEvent).Name;
        if (stored.AggregateId != Id || stored.AggregateType != AggregateType || stored.Type != expectedType)
            throw new DuplicateEventIdException(eventId,
                $"it is the {stored.Type} event at version {stored.Version} of {stored.AggregateType} '{stored.AggregateId}'");
        return new EventReceipt(stored.Id, stored.Type, stored.AggregateId, stored.Version, stored.Position);
    }
}
