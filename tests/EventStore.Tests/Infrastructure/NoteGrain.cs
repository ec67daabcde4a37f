using EventStore.Aggregates;
using EventStore.Events;
using EventStore.LogConsistency;
using Orleans.EventSourcing;
using Orleans.Providers;

namespace EventStore.Tests.Infrastructure;

/// <summary>An application-defined event, registered through <c>JournalOptions.EventAssemblies</c>.</summary>
[EventType("test:note"), GenerateSerializer, Immutable]
public sealed record NoteAdded(string Text) : IDomainEvent;

/// <summary>What a <see cref="INoteGrain"/> folds: every envelope it applied.</summary>
[GenerateSerializer]
public sealed class NoteView
{
    /// <summary>The applied envelopes, in order.</summary>
    [Id(0)] public List<EventEnvelope> Applied { get; set; } = [];
}

/// <summary>
/// A plain JournaledGrain outside the product's aggregates: it raises whatever payload it is given,
/// which lets tests put any of the 23 event types (or an application one) through the provider.
/// </summary>
public interface INoteGrain : IGrainWithStringKey
{
    /// <summary>Raises one payload unconditionally and waits for it to be confirmed.</summary>
    Task<long> Raise(IDomainEvent payload);

    /// <summary>Raises one payload conditionally on the current version; false if someone wrote first.</summary>
    Task<bool> TryRaise(IDomainEvent payload);

    /// <summary>The confirmed version.</summary>
    Task<int> GetVersion();

    /// <summary>The envelopes applied to the confirmed view.</summary>
    Task<List<EventEnvelope>> GetApplied();

    /// <summary>The confirmed log read back through <c>RetrieveConfirmedEvents</c>.</summary>
    Task<IReadOnlyList<EventEnvelope>> GetLog();

    /// <summary>Re-reads the journal now.</summary>
    Task Refresh();
}

/// <summary>The grain behind <see cref="INoteGrain"/>: opting into the journal is the one attribute.</summary>
[GrainType("note")]
[LogConsistencyProvider(ProviderName = JournalLogConsistencyProvider.ProviderName)]
public sealed class NoteGrain : JournaledGrain<NoteView, EventEnvelope>, INoteGrain
{
    /// <inheritdoc />
    public async Task<long> Raise(IDomainEvent payload)
    {
        RaiseEvent(Draft(payload));
        await ConfirmEvents();
        return Version;
    }

    /// <inheritdoc />
    public Task<bool> TryRaise(IDomainEvent payload) => RaiseConditionalEvent(Draft(payload));

    /// <inheritdoc />
    public Task<int> GetVersion() => Task.FromResult(Version);

    /// <inheritdoc />
    public Task<List<EventEnvelope>> GetApplied() => Task.FromResult(State.Applied);

    /// <inheritdoc />
    public Task<IReadOnlyList<EventEnvelope>> GetLog() => RetrieveConfirmedEvents(0, Version);

    /// <inheritdoc />
    public Task Refresh() => RefreshNow();

    /// <inheritdoc />
    protected override void TransitionState(NoteView state, EventEnvelope @event) => state.Applied.Add(@event);

    private EventEnvelope Draft(IDomainEvent payload) => new(
        Guid.NewGuid().ToString(), "", "", "", 0, 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "test", payload,
        new Dictionary<string, string> { ["origin"] = "note-grain" }, "cause-1", "corr-1");
}
