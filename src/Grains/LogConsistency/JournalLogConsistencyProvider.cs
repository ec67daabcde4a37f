using EventStore.Journal;
using Orleans.EventSourcing;
using Orleans.Serialization;
using Orleans.Storage;

namespace EventStore.LogConsistency;

/// <summary>
/// The log-consistency provider that stores every event of a <c>JournaledGrain</c> as one row of the
/// shared event journal (SQLite or PostgreSQL, the provider does not know which). Grains opt in with
/// <c>[LogConsistencyProvider(ProviderName = JournalLogConsistencyProvider.ProviderName)]</c>.
/// </summary>
public sealed class JournalLogConsistencyProvider : ILogViewAdaptorFactory
{
    /// <summary>The name the provider is registered under.</summary>
    public const string ProviderName = "EventJournal";

    private readonly EventJournal _journal;
    private readonly IJournalReader _reader;
    private readonly int _snapshotInterval;
    private readonly Serializer _serializer;

    internal JournalLogConsistencyProvider(EventJournal journal, IJournalReader reader, int snapshotInterval, Serializer serializer) =>
        (_journal, _reader, _snapshotInterval, _serializer) = (journal, reader, snapshotInterval, serializer);

    /// <summary>Always false: the journal is the storage.</summary>
    public bool UsesStorageProvider => false;

    /// <inheritdoc />
    public ILogViewAdaptor<TLogView, TLogEntry> MakeLogViewAdaptor<TLogView, TLogEntry>(
        ILogViewAdaptorHost<TLogView, TLogEntry> hostGrain,
        TLogView initialState,
        string grainTypeName,
        IGrainStorage? grainStorage,
        ILogConsistencyProtocolServices services)
        where TLogView : class, new()
        where TLogEntry : class
        => new JournalLogViewAdaptor<TLogView, TLogEntry>(hostGrain, initialState, services, _journal, _reader, _snapshotInterval,
            _snapshotInterval > 0 ? new SnapshotCodec<TLogView>(_serializer) : null);
}
