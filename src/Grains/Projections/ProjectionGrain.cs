using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace EventStore.Projections;

/// <summary>
/// Base of the projection grains. A projection folds journal events into a read model and keeps the
/// last position it applied (its checkpoint) with it, in one grain-storage record. Stream messages
/// bring new commits with low latency; the journal brings correctness: on activation, on a gap in
/// positions, and on a timer, the projection reads whatever it has not seen from the journal. Every
/// position is applied once: anything at or below the checkpoint is a duplicate and ignored. A
/// projection stuck before a row it cannot apply retries from the journal on its timer, backing off
/// (see <see cref="Stuck"/>), and ignores stream messages until it gets past the row.
/// </summary>
/// <typeparam name="TModel">The read model.</typeparam>
public abstract partial class ProjectionGrain<TModel> : Grain, IProjection
    where TModel : IReadModel, new()
{
    private readonly IPersistentState<ProjectionState<TModel>> _state;
    private readonly ProjectionSource _source;
    private readonly ProjectionOptions _options;
    private readonly ILogger _logger;
    private int _unsaved;
    private bool _dirty;
    private DateTimeOffset _savedAt;
    private string? _problem;
    private long _stuckAt;
    private TimeSpan _retryDelay;
    private DateTimeOffset _retryAt;

    /// <summary>The longest wait between two retries of a stuck projection (or the flush interval, if longer).</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    /// <summary>Creates the grain over its persisted state and the journal's reads (registered with the projections).</summary>
    protected ProjectionGrain(IPersistentState<ProjectionState<TModel>> state, ProjectionSource source)
    {
        (_state, _source, _options) = (state, source, source.Options);
        _logger = source.LoggerFor(GetType());
    }

    /// <summary>The aggregate types whose events the model folds.</summary>
    protected abstract IReadOnlyList<string> AggregateTypes { get; }

    /// <summary>The read model, caught up at least to the checkpoint.</summary>
    protected TModel Model => _state.State.Model;

    /// <summary>The current time.</summary>
    protected DateTimeOffset Now => _source.Now;

    private long Checkpoint => _state.State.Checkpoint;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _savedAt = Now;
        if (_state.State.ModelVersion != TModel.ShapeVersion) StartOver();
        await CatchUpToHead();
        var stream = this.GetStreamProvider(_options.StreamProvider)
            .GetStream<CommittedBatch>(StreamId.Create(ProjectionStreams.Namespace, ProjectionStreams.Key));
        await stream.SubscribeAsync((batch, _) => OnCommitted(batch));
        this.RegisterGrainTimer(OnTimer, new GrainTimerCreationOptions(_options.FlushInterval, _options.FlushInterval) { Interleave = false });
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_dirty) await Save();
    }

    /// <inheritdoc />
    public async Task<ProjectionStatus> GetStatus()
    {
        var head = await _source.GetHeadPositionAsync();
        var lagMs = 0L;
        if (head > Checkpoint && await _source.GetTimestampAtAsync(Checkpoint + 1) is { } oldestUnapplied)
            lagMs = Math.Max(0, Now.ToUnixTimeMilliseconds() - oldestUnapplied);
        return new ProjectionStatus(GetType().Name, Checkpoint, head, Math.Max(0, head - Checkpoint), lagMs, _problem);
    }

    /// <inheritdoc />
    public async Task<ProjectionStatus> CatchUp()
    {
        await CatchUpToHead();
        return await GetStatus();
    }

    /// <inheritdoc />
    public async Task<ProjectionStatus> Rebuild()
    {
        _state.State = new ProjectionState<TModel> { ModelVersion = TModel.ShapeVersion };
        await CatchUpToHead();
        await Save();
        return await GetStatus();
    }

    /// <summary>A commit announced on the stream: apply it, after reading from the journal whatever came before it unannounced.</summary>
    private async Task OnCommitted(CommittedBatch batch)
    {
        if (batch.ToPosition <= Checkpoint) return;
        if (_problem is not null) return; // stuck: the journal keeps this commit for the next retry
        if (batch.FromPosition > Checkpoint + 1) await CatchUpTo(batch.FromPosition - 1);
        if (batch.FromPosition > Checkpoint + 1) return; // stuck before it: the journal still has it for later
        try
        {
            foreach (var envelope in batch.Events)
                if (envelope.Position > Checkpoint && AggregateTypes.Contains(envelope.AggregateType)) Apply(envelope);
        }
        catch (UnreadableEventException ex)
        {
            Stuck(ex);
            return;
        }
        Advance(batch.ToPosition);
        if (SaveIsDue) await Save();
    }

    private async Task OnTimer(CancellationToken cancellationToken)
    {
        if (_problem is null || Now >= _retryAt) await CatchUpToHead();
        if (SaveIsDue || (_dirty && Now - _savedAt >= _options.MaxSaveInterval)) await Save();
    }

    /// <summary>Enough unsaved events that rewriting the whole model is cheap per event.</summary>
    private bool SaveIsDue => _dirty && _unsaved >= Math.Max(_options.SaveEveryEvents, _options.UnsavedEventsPerRecord * Model.Count);

    private async Task CatchUpToHead()
    {
        var head = await _source.GetHeadPositionAsync();
        await CatchUpTo(head);
    }

    /// <summary>
    /// Applies the journal's events up to <paramref name="position"/>, page by page (both backends commit
    /// positions in order, without holes, so nothing below the head can still appear). Stops, without throwing, before
    /// a damaged row, and says so in <see cref="GetStatus"/>; the timer tries again, backing off.
    /// </summary>
    private async Task CatchUpTo(long position)
    {
        try
        {
            while (Checkpoint < position)
            {
                LogReading(_logger, GetType().Name, Checkpoint + 1, position);
                var page = await _source.ReadRangeAsync(Checkpoint + 1, position, AggregateTypes, _options.CatchUpPageSize);
                foreach (var envelope in page) Apply(envelope);
                if (page.Count < _options.CatchUpPageSize) Advance(position);
            }
            Recovered();
        }
        catch (UnreadableEventException ex)
        {
            Stuck(ex);
        }
    }

    /// <summary>
    /// Stuck before a row: the timer retries after the flush interval, then twice as long after each
    /// failed retry, up to <see cref="MaxRetryDelay"/>. Logged once per problem: the same problem again
    /// only doubles the wait; a different one (another row, or the same row damaged differently) is
    /// logged and waits from the flush interval again.
    /// </summary>
    /// <summary>A saved model of another shape version means something else: fold the journal again from position 0.</summary>
    private void StartOver()
    {
        if (_state.State.Checkpoint > 0) LogShapeChanged(_logger, GetType().Name, _state.State.ModelVersion, TModel.ShapeVersion, _state.State.Checkpoint);
        _state.State = new ProjectionState<TModel> { ModelVersion = TModel.ShapeVersion };
        _dirty = true;
    }

    private void Stuck(UnreadableEventException problem)
    {
        var same = _problem == problem.Message;
        var longest = _options.FlushInterval > MaxRetryDelay ? _options.FlushInterval : MaxRetryDelay;
        _retryDelay = same ? TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, longest.Ticks)) : _options.FlushInterval;
        _retryAt = Now + _retryDelay;
        if (same) return;
        (_problem, _stuckAt) = (problem.Message, problem.Position);
        LogStuck(_logger, problem, GetType().Name, problem.Position);
    }

    /// <summary>Caught up without a problem: if it was stuck, say once that it no longer is.</summary>
    private void Recovered()
    {
        if (_problem is null) return;
        (_problem, _retryDelay) = (null, TimeSpan.Zero);
        LogRecovered(_logger, GetType().Name, _stuckAt, Checkpoint);
    }

    private void Apply(EventEnvelope envelope)
    {
        if (envelope.Payload is UnreadableEvent unreadable)
        {
            if (!unreadable.IsUnknownType)
                throw new UnreadableEventException(envelope.Position, envelope.Id, envelope.Type, envelope.AggregateId, unreadable.Problem);
            // A type this version does not know cannot change this version's read model: skip it (a rebuild after an upgrade applies it).
            LogSkipped(_logger, GetType().Name, envelope.Position, envelope.Type);
        }
        else
        {
            try
            {
                Model.Apply(envelope);
            }
            catch (Exception ex)
            {
                throw new UnreadableEventException(envelope.Position, envelope.Id, envelope.Type, envelope.AggregateId, $"the read model cannot apply it: {ex.Message}");
            }
        }
        Advance(envelope.Position);
        _unsaved++;
    }

    private void Advance(long position)
    {
        if (position <= Checkpoint) return;
        _state.State.Checkpoint = position;
        _dirty = true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Projection} is stuck before position {Position} and retries, backing off, until the row can be applied")]
    private static partial void LogStuck(ILogger logger, Exception exception, string projection, long position);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Projection} recovered: it got past position {Position} and is at position {Checkpoint}")]
    private static partial void LogRecovered(ILogger logger, string projection, long position, long checkpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Projection} was saved with model shape {Saved} (at position {Checkpoint}); the code has shape {Current}: rebuilding it from the journal")]
    private static partial void LogShapeChanged(ILogger logger, string projection, int saved, int current, long checkpoint);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Projection} reads the journal from position {From} to {To}")]
    private static partial void LogReading(ILogger logger, string projection, long from, long to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Projection} skipped the event at position {Position}: its type '{Type}' is unknown to this version")]
    private static partial void LogSkipped(ILogger logger, string projection, long position, string type);

    private async Task Save()
    {
        await _state.WriteStateAsync();
        (_unsaved, _dirty, _savedAt) = (0, false, Now);
    }
}
