using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.LogConsistency;
using Orleans.EventSourcing;

namespace EventStore.Aggregates;

/// <summary>
/// Base of the four aggregates: a <c>JournaledGrain</c> on the event journal whose commands run
/// <see cref="Execute{TEvent}"/>: validate against the confirmed state, raise one event conditionally
/// on the version validated against, and return a receipt only once the event is committed. If
/// another writer got there first, the grain catches up and decides again from the new state. A command
/// with a caller-chosen event id is idempotent by the event store's rule (<see cref="EventRequest"/>),
/// where the request is the event type and the command's caller-given arguments.
/// </summary>
/// <typeparam name="TView">The aggregate's state.</typeparam>
public abstract class AggregateGrain<TView> : JournaledGrain<TView, EventEnvelope>, ICommandArguments
    where TView : AggregateView, new()
{
    private const int MaxAttempts = 3;
    private readonly CommandJournal _journal;
    private (EventEnvelope Envelope, string Arguments)? _raising;

    /// <summary>Creates the grain over the journal's command side (registered with the journal).</summary>
    protected AggregateGrain(CommandJournal journal) => _journal = journal;

    /// <summary>The aggregate id: this grain's key.</summary>
    protected string Id => this.GetPrimaryKeyString();

    /// <summary>The aggregate type, as stored in the journal: this grain's type name.</summary>
    protected string AggregateType => this.GetGrainId().Type.ToString()!;

    /// <summary>The source recorded when the caller names none.</summary>
    protected virtual string DefaultSource => "coordinator";

    /// <summary>Longest id accepted, from the journal's options.</summary>
    protected int MaxIdLength => _journal.MaxIdLength;

    /// <summary>The current time.</summary>
    protected DateTimeOffset Now => _journal.Now;

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
    /// <paramref name="arguments"/> are the command's caller-given arguments (never values the grain derives):
    /// with the event type they are the request a retry under the same event id must repeat.
    /// </summary>
    protected async Task<EventReceipt> Execute<TEvent>(CommandContext? context, object?[] arguments, Func<TView, TEvent> decide)
        where TEvent : IDomainEvent
    {
        var trace = _journal.StartCommand(Id, AggregateType, _journal.TypeNameOf(typeof(TEvent)));
        try
        {
            var (receipt, retried) = await Decide(context, arguments, decide);
            trace.Succeeded([receipt], duplicate: retried);
            return receipt;
        }
        catch (Exception ex)
        {
            trace.Failed(ex);
            throw;
        }
    }

    /// <summary>The body of <see cref="Execute{TEvent}"/>: the receipt, and whether it is an earlier command's (a retry).</summary>
    private async Task<(EventReceipt Receipt, bool Retried)> Decide<TEvent>(CommandContext? context, object?[] arguments, Func<TView, TEvent> decide)
        where TEvent : IDomainEvent
    {
        Guard.Id(Id, "aggregateId", MaxIdLength);
        var eventId = ValidateContext(context);
        var argumentsJson = EventRequest.ArgumentsJson(arguments);
        var type = _journal.TypeNameOf(typeof(TEvent));
        var request = eventId is null ? null : new EventRequest(eventId, Id, AggregateType, type, EventRequest.OfCommand(type, argumentsJson), null);
        if (request is not null && await _journal.FindEarlierReceipt(request) is { } earlier) return (earlier, true);

        // One budget for every attempt, so the caller hears the journal's own error before Orleans' response timeout.
        using var deadline = _journal.NewDeadline().Enter();
        for (var attempt = 1; ; attempt++)
        {
            var versionDecidedOn = State.Version;
            var payload = decide(State);
            var envelope = _journal.Entry(Id, AggregateType, payload, context?.Source ?? DefaultSource, eventId, context);
            var decided = request is null ? null : request with { PayloadJson = _journal.Serialize(payload) };
            try
            {
                if (await Raise(envelope, argumentsJson))
                    return (new EventReceipt(envelope.Id, type, Id, State.Version, State.LastPosition), false);
            }
            catch (DuplicateEventIdException) when (decided is not null)
            {
                // Raced with an identical retry: return its receipt if it was this very command.
                if (await _journal.FindEarlierReceipt(decided) is { } raced) return (raced, true);
                throw;
            }
            // Another writer went first; if it wrote this very request under this id, answer as it was answered.
            if (decided is not null && await _journal.FindEarlierReceipt(decided) is { } retried) return (retried, true);
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

    /// <summary>Raises the event conditionally; while it is prepared, the journal can ask for the command's arguments.</summary>
    private Task<bool> Raise(EventEnvelope envelope, string argumentsJson)
    {
        _raising = (envelope, argumentsJson);
        try
        {
            return RaiseConditionalEvent(envelope);
        }
        finally
        {
            _raising = null;
        }
    }

    string? ICommandArguments.ArgumentsOf(object entry) => _raising is { } raising && ReferenceEquals(raising.Envelope, entry) ? raising.Arguments : null;
}
