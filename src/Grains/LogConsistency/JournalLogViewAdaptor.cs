using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using Microsoft.Extensions.Logging;
using Orleans.EventSourcing;

namespace EventStore.LogConsistency;

/// <summary>
/// Connects one <c>JournaledGrain</c> activation to the event journal. Raised events queue here; a
/// flush loop on the grain's own scheduler sends them to the group-commit writer as one append that
/// is valid only at the confirmed version, so two activations of one aggregate can never fork it.
/// Unlike Orleans' built-in adaptors, a failed write is not retried forever: it is dropped and its
/// error reaches the grain (from <c>RaiseConditionalEvent</c> or <c>ConfirmEvents</c>); a version
/// conflict makes the adaptor catch up from the journal and fails conditional events, like Orleans.
/// </summary>
internal sealed class JournalLogViewAdaptor<TView, TEntry> : ILogViewAdaptor<TView, TEntry>
    where TView : class, new()
    where TEntry : class
{
    private readonly ILogViewAdaptorHost<TView, TEntry> _host;
    private readonly ILogConsistencyProtocolServices _services;
    private readonly EventJournal _journal;
    private readonly IJournalReader _reader;
    private readonly int _snapshotInterval;
    private readonly string _aggregateId;
    private readonly string _aggregateType;
    private readonly SnapshotCodec<TView>? _snapshots;
    private readonly List<Submission> _pending = [];
    private TView _confirmed;
    private long _confirmedVersion;
    private TView? _tentative;
    private Task? _flush;
    private Exception? _unobservedFailure;
    private bool _mustCatchUp;
    private bool _loaded;
    private long _snapshotVersion;
    private bool _snapshotsOff;

    public JournalLogViewAdaptor(ILogViewAdaptorHost<TView, TEntry> host, TView initialState, ILogConsistencyProtocolServices services,
        EventJournal journal, IJournalReader reader, int snapshotInterval, SnapshotCodec<TView>? snapshots)
    {
        (_host, _services, _journal, _reader, _confirmed) = (host, services, journal, reader, initialState);
        (_snapshotInterval, _snapshots) = (snapshotInterval, snapshots);
        _aggregateId = services.GrainId.Key.ToString()!;
        _aggregateType = services.GrainId.Type.ToString()!;
    }

    public TView ConfirmedView => _confirmed;

    public int ConfirmedVersion => checked((int)_confirmedVersion);

    public TView TentativeView => _pending.Count == 0 ? _confirmed : _tentative ??= ComputeTentative();

    public IEnumerable<TEntry> UnconfirmedSuffix => _pending.Select(s => s.Entry);

    public void Submit(TEntry entry) => Enqueue([entry], conditional: false);

    public void SubmitRange(IEnumerable<TEntry> entries) => Enqueue(entries, conditional: false);

    public Task<bool> TryAppend(TEntry entry) => Enqueue([entry], conditional: true)!;

    public Task<bool> TryAppendRange(IEnumerable<TEntry> entries) => Enqueue(entries, conditional: true)!;

    public async Task ConfirmSubmittedEntries()
    {
        while (_flush is { IsCompleted: false } flush) await flush;
        if (_unobservedFailure is { } failure)
        {
            _unobservedFailure = null;
            throw failure;
        }
    }

    public async Task Synchronize()
    {
        await ConfirmSubmittedEntries();
        await CatchUp();
    }

    public async Task<IReadOnlyList<TEntry>> RetrieveLogSegment(int fromVersion, int toVersion)
    {
        var events = await _reader.ReadStreamAsync(_aggregateId, fromVersion, toVersion);
        return events.Select(ToEntry).ToList();
    }

    public Task PreOnActivate() => Task.CompletedTask;

    public Task PostOnActivate() => Task.CompletedTask;

    public async Task PostOnDeactivate()
    {
        while (_flush is { IsCompleted: false } flush) await flush;
    }

    public void EnableStatsCollection() { }

    public void DisableStatsCollection() { }

    public LogConsistencyStatistics? GetStats() => null;

    /// <summary>Validates and serializes entries, queues them and makes sure a flush is running.</summary>
    private Task<bool>? Enqueue(IEnumerable<TEntry> entries, bool conditional)
    {
        var batch = entries.Select(Prepare).ToList();
        if (batch.Count == 0) return conditional ? Task.FromResult(true) : null;

        // A conditional range shares one promise; entry i is valid only if written right after version expected + i.
        var promise = conditional ? new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously) : null;
        var expected = _confirmedVersion + _pending.Count;
        var deadline = JournalDeadline.Ambient ?? _journal.NewDeadline();
        for (var i = 0; i < batch.Count; i++)
            _pending.Add(new Submission(batch[i].Entry, batch[i].Event, conditional ? expected + i : null, promise, deadline));
        _tentative = null;
        NotifyHost(tentative: true, confirmed: false);

        if (_flush is null || _flush.IsCompleted) _flush = FlushLoop();
        return promise?.Task;
    }

    /// <summary>
    /// The event to write for an entry: a payload, or (for a grain whose view folds committed envelopes, which
    /// can raise nothing else) an envelope of the raiser's choices, whose version, position, type and
    /// aggregate are not read (see <see cref="CommandJournal.Entry"/>).
    /// </summary>
    private (TEntry Entry, UnwrittenEvent Event) Prepare(TEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var arguments = (_host as ICommandArguments)?.ArgumentsOf(entry);
        var unwritten = entry switch
        {
            EventEnvelope chosen => _journal.Prepare(_aggregateId, _aggregateType, chosen.Payload, chosen.Source, chosen.Id, chosen.Timestamp,
                chosen.Metadata, chosen.CausationId, chosen.CorrelationId, arguments),
            IDomainEvent payload => _journal.Prepare(_aggregateId, _aggregateType, payload, source: _aggregateId, commandArguments: arguments),
            _ => throw new UnknownEventTypeException(entry.GetType().FullName ?? entry.GetType().Name),
        };
        return (entry, unwritten);
    }

    /// <summary>
    /// Runs <see cref="FlushPending"/> and never faults: whatever goes wrong, every queued entry is
    /// completed (with the error), so no caller waits forever and the next submission starts a new loop.
    /// </summary>
    private async Task FlushLoop()
    {
        try
        {
            await FlushPending();
        }
        catch (Exception ex)
        {
            _services.CaughtException(nameof(FlushLoop), ex);
            _mustCatchUp = true;
            if (_pending.Count > 0) FailBatch(_pending.ToList(), ex);
        }
    }

    private async Task FlushPending()
    {
        while (_pending.Count > 0)
        {
            if (_mustCatchUp && !await TryCatchUp()) return;
            DropStaleConditionalEntries();
            if (_pending.Count == 0) return;

            var batch = _pending.ToList();
            AppendOutcome outcome;
            try
            {
                var deadline = batch.MinBy(s => s.Deadline.Timestamp)!.Deadline;
                outcome = await _journal.AppendAsync(new StreamAppend(_aggregateId, _aggregateType, _confirmedVersion, batch.Select(s => s.Event).ToList()), deadline);
            }
            catch (Exception ex)
            {
                FailBatch(batch, ex);
                continue;
            }

            switch (outcome)
            {
                case AppendOutcome.Committed committed:
                    _pending.RemoveRange(0, batch.Count);
                    try
                    {
                        ApplyCommitted(committed.Events);
                    }
                    catch (Exception ex)
                    {
                        await CommittedButNotApplied(batch, committed.Events, ex);
                        break;
                    }
                    foreach (var submission in batch) submission.Promise?.TrySetResult(true);
                    break;
                case AppendOutcome.VersionConflict:
                    // Someone else wrote first: catch up; conditional entries then turn stale and fail.
                    _mustCatchUp = true;
                    break;
            }
        }
    }

    /// <summary>
    /// Fails the conditional entries that can no longer land at the version they were validated for
    /// (the stream moved on), with every conditional entry queued after them, as Orleans does.
    /// </summary>
    private void DropStaleConditionalEntries()
    {
        var firstStale = -1;
        for (var index = 0; index < _pending.Count && firstStale < 0; index++)
            if (_pending[index].ExpectedVersion is { } expected && expected != _confirmedVersion + index) firstStale = index;
        if (firstStale < 0) return;

        var doomed = _pending.Skip(firstStale).Where(s => s.Promise is not null).Select(s => s.Promise!).ToHashSet();
        foreach (var promise in doomed) promise.TrySetResult(false);
        _pending.RemoveAll(s => s.Promise is not null && doomed.Contains(s.Promise));
        _tentative = null;
        NotifyHost(tentative: true, confirmed: false);
    }

    /// <summary>
    /// The batch is durable but the view could not take it: its callers learn that it is committed and
    /// why the view failed, and the view is rebuilt from the journal (now, or by the next operation).
    /// </summary>
    private async Task CommittedButNotApplied(List<Submission> batch, IReadOnlyList<EventEnvelope> events, Exception error)
    {
        _services.CaughtException(nameof(ApplyCommitted), error);
        var committed = new InvalidOperationException(
            $"The {events.Count} event(s) at versions {events[0].Version}..{events[^1].Version} of {_aggregateType} '{_aggregateId}' are committed, " +
            $"but applying them to the view failed ({error.GetType().Name}: {error.Message}); the view is rebuilt from the journal.", error);
        await TryCatchUp();
        foreach (var promise in batch.Where(s => s.Promise is not null).Select(s => s.Promise!).Distinct()) promise.TrySetException(committed);
        if (batch.Any(s => s.Promise is null)) _unobservedFailure = committed;
    }

    private void FailBatch(List<Submission> batch, Exception error)
    {
        _services.Log(LogLevel.Warning, "Append of {0} events to {1} '{2}' failed: {3}", batch.Count, _aggregateType, _aggregateId, error.Message);
        _pending.RemoveRange(0, batch.Count);
        foreach (var submission in batch.Where(s => s.Promise is not null).Select(s => s.Promise!).Distinct())
            submission.TrySetException(error);
        if (batch.Any(s => s.Promise is null)) _unobservedFailure = error;
        if (error is JournalUnavailableException) _mustCatchUp = true;
        _tentative = null;
        NotifyHost(tentative: true, confirmed: false);
    }

    private async Task<bool> TryCatchUp()
    {
        try
        {
            await CatchUp();
            return true;
        }
        catch (Exception ex)
        {
            if (_pending.Count > 0) FailBatch(_pending.ToList(), ex);
            else _services.Log(LogLevel.Warning, "Catching up {0} '{1}' with the journal failed: {2}", _aggregateType, _aggregateId, ex.Message);
            return false;
        }
    }

    /// <summary>Applies every event the journal has beyond the confirmed version (the first time, from the latest snapshot on).</summary>
    private async Task CatchUp()
    {
        var events = !_loaded && _snapshots is not null ? await LoadSnapshot() : await _reader.ReadStreamAsync(_aggregateId, _confirmedVersion);
        if (events.FirstOrDefault(e => e.AggregateType != _aggregateType) is { } foreign)
            throw new InvalidCommandException("aggregateId",
                $"'{_aggregateId}' is the id of a {foreign.AggregateType} stream; a {_aggregateType} cannot use it");
        (_mustCatchUp, _loaded) = (false, true);
        ApplyCommitted(events);
    }

    /// <summary>Forgets the view (it may be half-applied): the next catch-up rebuilds it from the snapshot or the first event.</summary>
    private void ResetView()
    {
        (_confirmed, _confirmedVersion, _snapshotVersion, _loaded, _mustCatchUp, _tentative) = (new TView(), 0, 0, false, true, null);
        NotifyHost(tentative: true, confirmed: true);
    }

    /// <summary>
    /// Starts the view from the grain's own latest snapshot when it is usable, and returns the events after
    /// it. An unusable snapshot (corrupt, another state shape, ahead of the stream) is ignored with a warning.
    /// Snapshots saved through the event store are never read here: they are the clients', not the grain's.
    /// </summary>
    private async Task<IReadOnlyList<EventEnvelope>> LoadSnapshot()
    {
        if (_confirmedVersion != 0 || await _reader.GetSnapshotAsync(_aggregateId, SnapshotOwner.Grain) is not { } snapshot)
            return await _reader.ReadStreamAsync(_aggregateId, _confirmedVersion);

        var (view, problem) = _snapshots!.TryDecode(snapshot.State);
        // Read from the snapshot's own version, to check that the stream really has it.
        var events = await _reader.ReadStreamAsync(_aggregateId, snapshot.Version - 1);
        if (view is not null && (events.Count == 0 || events[0].Version != snapshot.Version)) problem = $"the stream has no event at version {snapshot.Version}";
        if (view is null || problem is not null || snapshot.AggregateType != _aggregateType)
        {
            _services.Log(LogLevel.Warning, "Snapshot of {0} '{1}' at version {2} ignored, rebuilding from events: {3}",
                _aggregateType, _aggregateId, snapshot.Version, problem ?? $"it is a {snapshot.AggregateType} snapshot");
            return await _reader.ReadStreamAsync(_aggregateId, 0);
        }
        (_confirmed, _confirmedVersion, _snapshotVersion) = (view, snapshot.Version, snapshot.Version);
        return events.Skip(1).ToList();
    }

    /// <summary>Saves a snapshot once the view is <see cref="JournalOptions.SnapshotInterval"/> events past the last one; never waits for it.</summary>
    private void SnapshotIfDue()
    {
        if (_snapshots is null || _snapshotsOff || _snapshotInterval == 0 || _confirmedVersion - _snapshotVersion < _snapshotInterval) return;
        _snapshotVersion = _confirmedVersion;
        string state;
        try
        {
            state = _snapshots.Encode(_confirmed);
        }
        catch (Exception ex)
        {
            // A view that cannot be encoded (no codec, say) is simply not snapshotted: it activates from its events.
            _snapshotsOff = true;
            _services.Log(SnapshotCodec<TView>.FirstEncodeFailure() ? LogLevel.Warning : LogLevel.Debug,
                "The view of {0} '{1}' ({2}) cannot be snapshotted, so this activation takes no snapshots: {3}",
                _aggregateType, _aggregateId, typeof(TView).FullName ?? typeof(TView).Name, ex.Message);
            return;
        }
        var snapshot = new Store.Snapshot(_aggregateId, _aggregateType, _confirmedVersion, state, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        _journal.SaveSnapshotAsync(snapshot, SnapshotOwner.Grain).ContinueWith(
            t => _services.Log(LogLevel.Warning, "Snapshot of {0} '{1}' at version {2} not saved: {3}", _aggregateType, _aggregateId, snapshot.Version, t.Exception!.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    /// <summary>Folds committed events into the confirmed view; if that fails, the view is reset (to be rebuilt) and the error thrown.</summary>
    private void ApplyCommitted(IReadOnlyList<EventEnvelope> events)
    {
        try
        {
            ApplyEach(events);
        }
        catch
        {
            ResetView();
            throw;
        }
        SnapshotIfDue();
    }

    private void ApplyEach(IReadOnlyList<EventEnvelope> events)
    {
        if (events.Count == 0) return;
        foreach (var envelope in events)
        {
            if (envelope.Version != _confirmedVersion + 1)
                throw new InvalidDataException($"Stream '{_aggregateId}' jumps from version {_confirmedVersion} to {envelope.Version}.");
            if (envelope.Payload is UnreadableEvent unreadable)
                throw new UnreadableEventException(envelope.Position, envelope.Id, envelope.Type, _aggregateId, unreadable.Problem);
            UpdateView(_confirmed, ToEntry(envelope));
            _confirmedVersion = envelope.Version;
        }
        _tentative = null;
        NotifyHost(tentative: true, confirmed: true);
    }

    private TView ComputeTentative()
    {
        var view = _services.DeepCopy(_confirmed);
        foreach (var submission in _pending) UpdateView(view, submission.Entry);
        return view;
    }

    private static TEntry ToEntry(EventEnvelope envelope) =>
        envelope as TEntry ?? envelope.Payload as TEntry
        ?? throw new InvalidCastException($"Event '{envelope.Type}' at position {envelope.Position} is not a {typeof(TEntry).Name}.");

    private void UpdateView(TView view, TEntry entry)
    {
        try
        {
            _host.UpdateView(view, entry);
        }
        catch (Exception ex)
        {
            _services.CaughtUserCodeException(nameof(_host.UpdateView), nameof(JournalLogViewAdaptor<TView, TEntry>), ex);
        }
    }

    private void NotifyHost(bool tentative, bool confirmed)
    {
        try
        {
            _host.OnViewChanged(tentative, confirmed);
        }
        catch (Exception ex)
        {
            _services.CaughtUserCodeException(nameof(_host.OnViewChanged), nameof(JournalLogViewAdaptor<TView, TEntry>), ex);
        }
    }

    /// <summary>An entry waiting to be appended. Its deadline is the raising command's own (ambient) one, else <see cref="JournalOptions.AppendTimeout"/> from the raise.</summary>
    private sealed record Submission(TEntry Entry, UnwrittenEvent Event, long? ExpectedVersion, TaskCompletionSource<bool>? Promise, JournalDeadline Deadline);
}
