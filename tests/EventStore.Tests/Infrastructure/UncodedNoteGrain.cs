using EventStore.Events;
using EventStore.LogConsistency;
using Orleans.EventSourcing;
using Orleans.Providers;

namespace EventStore.Tests.Infrastructure;

/// <summary>A user's view with no Orleans codec (no <c>[GenerateSerializer]</c>): it cannot be snapshotted.</summary>
public sealed class UncodedNotesView
{
    /// <summary>The texts of the applied notes, in order.</summary>
    public List<string> Texts { get; } = [];
}

/// <summary>A user grain on the journal provider whose view has no codec.</summary>
public interface IUncodedNoteGrain : IGrainWithStringKey
{
    /// <summary>Raises one note conditionally on the current version; false if someone wrote first.</summary>
    Task<bool> TryAdd(string text);

    /// <summary>Raises one note unconditionally and waits for it to be confirmed.</summary>
    Task Add(string text);

    /// <summary>The texts of the confirmed view, after catching up with the journal.</summary>
    Task<List<string>> GetTexts();
}

/// <summary>The grain behind <see cref="IUncodedNoteGrain"/>.</summary>
[GrainType("uncoded-note")]
[LogConsistencyProvider(ProviderName = JournalLogConsistencyProvider.ProviderName)]
public sealed class UncodedNoteGrain : JournaledGrain<UncodedNotesView, EventEnvelope>, IUncodedNoteGrain
{
    /// <inheritdoc />
    public Task<bool> TryAdd(string text) => RaiseConditionalEvent(Draft(text));

    /// <inheritdoc />
    public async Task Add(string text)
    {
        RaiseEvent(Draft(text));
        await ConfirmEvents();
    }

    /// <inheritdoc />
    public async Task<List<string>> GetTexts()
    {
        await RefreshNow();
        return [.. State.Texts];
    }

    /// <inheritdoc />
    protected override void TransitionState(UncodedNotesView state, EventEnvelope @event) => state.Texts.Add(((NoteAdded)@event.Payload).Text);

    private static EventEnvelope Draft(string text) => new(
        Guid.NewGuid().ToString(), "", "", "", 0, 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "test", new NoteAdded(text), null, null, null);
}
