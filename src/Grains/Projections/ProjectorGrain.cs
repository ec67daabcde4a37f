using EventStore.Diagnostics;
using EventStore.Errors;
using EventStore.Journal;
using Microsoft.Extensions.Logging;
using Orleans.Streams;

namespace EventStore.Projections;

/// <summary>
/// Runs a <see cref="Projection"/>: the one activation per projection in the cluster (keyed by the projection's
/// <see cref="Projection.Name"/>, one grain class for every projection registered) that folds the journal into the
/// projection's tables. Stream messages (the projection's own stream on the journal's namespace, to which this class
/// subscribes implicitly) bring new commits with low latency; the journal brings correctness:
/// on activation, on a gap in positions and on a timer, it reads whatever it has not applied. Every position is
/// applied once (anything at or below the checkpoint is ignored), and the records an event changed are committed
/// with the checkpoint in one transaction. Applied events are committed once <see cref="ProjectionOptions.CommitEveryEvents"/>
/// wait, and at the latest after <see cref="ProjectionOptions.CommitInterval"/>: queries see them from then on.
/// A rebuild fills a new generation of tables beside the current one, a page at a time between other work, and
/// switches to it once it has caught up. A projection stuck before a row it cannot apply retries from the journal,
/// backing off (see <see cref="Stuck"/>), and ignores stream messages until it gets past the row.
/// </summary>
[ImplicitStreamSubscription(ProjectionStreams.Namespace)]
[GrainType(ProjectionStreams.ProjectorGrainType)]
internal sealed partial class ProjectorGrain : Grain, IProjector
{
    /// <summary>Journal pages one background turn reads, so that stream messages and calls get their turn between them.</summary>
    private const int PagesPerTurn = 4;

    /// <summary>The longest wait between two retries of a stuck projection (or the flush interval, if longer).</summary>
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(1);

    private readonly Projection _projection;
    private readonly ProjectionSource _source;
    private readonly ProjectionOptions _options;
    private readonly ILogger _logger;
    private readonly ProjectionLags _lags;
    private ProjectionLane _live = null!;
    private ProjectionLane? _rebuild;
    private int _lastGeneration;
    private bool _liveIsOutdated;
    private bool _continueSent;
    private bool _fenced;
    private DateTimeOffset _journalCheckedAt;
    private DateTimeOffset _checkpointWrittenAt;
    private string? _problem;
    private long _stuckAt;
    private TimeSpan _retryDelay;
    private DateTimeOffset _retryAt;

    /// <summary>Creates the grain of the projection its key names, over the journal's reads and the read-model store; logs under the projection's class.</summary>
    public ProjectorGrain(ProjectionSource source, ProjectionCatalog projections, ProjectionLags lags)
    {
        (_source, _options, _lags) = (source, source.Options, lags);
        _projection = projections.Get(this.GetPrimaryKeyString());
        _logger = source.LoggerFor(_projection.GetType());
    }

    private string Name => _projection.Name;

    private DateTimeOffset Now => _source.Now;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await OpenGenerations();
        // What the journal holds beyond the checkpoint, read now if it is little (the rest follows in the background).
        var head = await _source.GetHeadPositionAsync();
        _journalCheckedAt = Now; // the timer's first check of the journal is due a flush interval from now, not at its first tick
        if (!_liveIsOutdated && _live.Applied < head) await Guarded(() => _live.CatchUpAsync(head, PagesPerTurn));
        var stream = this.GetStreamProvider(_options.StreamProvider)
            .GetStream<CommittedBatch>(ProjectionStreams.Of(Name));
        await stream.SubscribeAsync((batch, _) => OnCommitted(batch));
        this.RegisterGrainTimer(OnTimer, new GrainTimerCreationOptions(_options.CommitInterval, _options.CommitInterval) { Interleave = false });
        if (_rebuild is not null || (!_liveIsOutdated && _live.Applied < head)) SendContinue();
        await PublishLag(head);
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _lags.Forget(Name);
        await _live.CommitAsync();
        if (_rebuild is not null) await _rebuild.CommitAsync();
    }

    /// <inheritdoc />
    public async Task<ProjectionStatus> GetStatus()
    {
        // The checkpoints as the call found them, before any await: background turns interleave with this call (it is
        // [AlwaysInterleave]), and a status must never show less lag than there was when it was asked.
        var checkpoint = _live.Visible;
        var rebuildCheckpoint = _rebuild?.Generation.Checkpoint;
        var head = await _source.GetHeadPositionAsync();
        await PublishLag(head);
        var lagMs = 0L;
        if (head > checkpoint && await _source.GetTimestampAtAsync(checkpoint + 1) is { } oldestUnapplied)
            lagMs = Math.Max(0, Now.ToUnixTimeMilliseconds() - oldestUnapplied);
        return new ProjectionStatus(Name, checkpoint, head, Math.Max(0, head - checkpoint), lagMs, _problem, rebuildCheckpoint);
    }

    /// <inheritdoc />
    public async Task<ProjectionStatus> CatchUp()
    {
        var head = await _source.GetHeadPositionAsync();
        if (!_liveIsOutdated) await Guarded(() => _live.CatchUpAsync(head));
        while (_rebuild is not null && _problem is null && !_fenced) await RebuildStep(int.MaxValue);
        return await GetStatus();
    }

    /// <inheritdoc />
    public async Task<ProjectionStatus> Rebuild()
    {
        if (_rebuild is null)
        {
            _rebuild = await CreateGeneration(active: false);
            LogRebuildStarted(_logger, Name, _rebuild.Generation.Number);
            SendContinue();
        }
        return await GetStatus();
    }

    /// <inheritdoc />
    public async Task Continue()
    {
        _continueSent = false;
        if (_problem is not null && Now < _retryAt) return;
        var head = await _source.GetHeadPositionAsync();
        var more = false;
        if (!_liveIsOutdated && _live.Applied < head) more = !await Guarded(() => _live.CatchUpAsync(head, PagesPerTurn));
        if (!more && _rebuild is not null) more = !await RebuildStep(PagesPerTurn);
        if (more && _problem is null && !_fenced) SendContinue();
        await PublishLag(head);
    }

    /// <summary>Publishes, for the lag gauges, how far the live tables have applied the journal up to <paramref name="head"/>.</summary>
    private async Task PublishLag(long head)
    {
        var applied = _live.Applied;
        _lags.Publish(Name, head - applied, head > applied ? await _source.GetTimestampAtAsync(applied + 1) : null);
    }

    /// <summary>A commit announced on the stream: apply it, after reading from the journal whatever came before it unannounced.</summary>
    private async Task OnCommitted(CommittedBatch batch)
    {
        if (_liveIsOutdated || batch.ToPosition <= _live.Applied || _problem is not null) return; // stuck: the journal keeps it for the retry
        if (batch.FromPosition > _live.Applied + 1)
        {
            // A gap: a page or less is read at once; more is left to the background turns, which read this commit too.
            if (batch.FromPosition - 1 - _live.Applied > _options.CatchUpPageSize)
            {
                SendContinue();
                return;
            }
            if (!await Guarded(() => _live.CatchUpAsync(batch.FromPosition - 1))) return;
        }
        if (!await Guarded(async () =>
            {
                await _live.ApplyAsync(batch.Events);
                _live.Advance(batch.ToPosition);
                return true;
            })) return;
        _lags.Publish(Name, 0, null); // applied up to the commit just announced, the newest it knows of
        if (_live.Uncommitted >= _options.CommitEveryEvents) await Commit(_live);
    }

    private async Task OnTimer(CancellationToken cancellationToken)
    {
        // Changed records wait at most a commit interval. A checkpoint alone (events that changed no record, which queries
        // see already: see ProjectionLane.Visible) is written once a flush interval, not at every tick.
        if (_live.HasChangedRecords || Now - _checkpointWrittenAt >= _options.FlushInterval)
        {
            _checkpointWrittenAt = Now;
            await Commit(_live);
        }
        if (Now - _journalCheckedAt < _options.FlushInterval) return;
        _journalCheckedAt = Now;
        // Through the queue, like every other piece of background work: at most one Continue is ever waiting.
        if (_problem is null || Now >= _retryAt) SendContinue();
    }

    /// <summary>Reads the catalog: the active generation (made if there is none) and a rebuild under way, if any.</summary>
    private async Task OpenGenerations()
    {
        var generations = await _source.Store.LoadGenerationsAsync(Name);
        _lastGeneration = generations.Count == 0 ? 0 : generations.Max(g => g.Number);
        var active = generations.LastOrDefault(g => g.IsActive);
        _live = active is null ? await CreateGeneration(active: true) : Lane(active);
        var building = generations.LastOrDefault(g => !g.IsActive && g.Number > _live.Generation.Number);
        foreach (var stale in generations.Where(g => !g.IsActive && (g != building || g.ShapeVersion != _projection.ShapeVersion)))
            await _source.Store.DropAsync(stale, _projection.Tables);
        if (building is not null && building.ShapeVersion == _projection.ShapeVersion) _rebuild = Lane(building);
        _liveIsOutdated = _live.Generation.ShapeVersion != _projection.ShapeVersion;
        if (_liveIsOutdated && _rebuild is null)
        {
            LogShapeChanged(_logger, Name, _live.Generation.ShapeVersion, _projection.ShapeVersion, _live.Generation.Checkpoint);
            _rebuild = await CreateGeneration(active: false);
        }
    }

    private async Task<ProjectionLane> CreateGeneration(bool active)
    {
        var generation = new ProjectionGeneration(Name, ++_lastGeneration, _projection.ShapeVersion, Checkpoint: 0, active);
        await _source.Store.CreateGenerationAsync(generation, _projection.Tables);
        return Lane(generation);
    }

    private ProjectionLane Lane(ProjectionGeneration generation) => new(_projection, generation, _source, _logger);

    /// <summary>Advances the rebuild by up to <paramref name="pages"/> pages; once it has caught up with the journal and the live tables, switches to it.</summary>
    /// <returns>Whether the rebuild is over (switched).</returns>
    private async Task<bool> RebuildStep(int pages)
    {
        var rebuild = _rebuild!;
        var head = await _source.GetHeadPositionAsync();
        if (!await Guarded(() => rebuild.CatchUpAsync(head, pages))) return false;
        if (!_liveIsOutdated)
        {
            // The live tables may have moved past the head read above: the new ones must have everything they have.
            if (!await Commit(_live) || !await Guarded(() => rebuild.CatchUpAsync(_live.Applied))) return false;
        }
        await _source.Store.ActivateAsync(rebuild.Generation with { IsActive = true }, _projection.Tables);
        rebuild.Activated();
        LogRebuilt(_logger, Name, rebuild.Generation.Number, rebuild.Applied);
        (_live, _rebuild, _liveIsOutdated) = (rebuild, null, false);
        return true;
    }

    /// <summary>Runs a fold step; a row it cannot apply makes the projection stuck (false) instead of failing the call.</summary>
    private async Task<bool> Guarded(Func<Task<bool>> step)
    {
        try
        {
            var done = await step();
            Recovered();
            return done;
        }
        catch (UnreadableEventException ex)
        {
            Stuck(ex);
            return false;
        }
        catch (ProjectionFencedException ex)
        {
            Fenced(ex);
            return false;
        }
    }

    /// <summary>Commits what the lane applied; false if another activation has taken over the tables.</summary>
    private async Task<bool> Commit(ProjectionLane lane)
    {
        try
        {
            await lane.CommitAsync();
            return true;
        }
        catch (ProjectionFencedException ex)
        {
            Fenced(ex);
            return false;
        }
    }

    /// <summary>Another activation of this projection committed (a silo thought dead came back): this one leaves it the tables.</summary>
    private void Fenced(ProjectionFencedException problem)
    {
        LogFenced(_logger, problem, Name);
        _fenced = true;
        DeactivateOnIdle();
    }

    private void SendContinue()
    {
        if (_continueSent) return;
        _continueSent = true;
        _ = this.AsReference<IProjector>().Continue();
    }

    /// <summary>
    /// Stuck before a row: retried after the flush interval, then twice as long after each failed retry, up to
    /// <see cref="MaxRetryDelay"/>. Logged once per problem: the same problem again only doubles the wait; a different
    /// one (another row, or the same row damaged differently) is logged and waits from the flush interval again.
    /// </summary>
    private void Stuck(UnreadableEventException problem)
    {
        var same = _problem == problem.Message;
        var longest = _options.FlushInterval > MaxRetryDelay ? _options.FlushInterval : MaxRetryDelay;
        _retryDelay = same ? TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, longest.Ticks)) : _options.FlushInterval;
        _retryAt = Now + _retryDelay;
        if (same) return;
        (_problem, _stuckAt) = (problem.Message, problem.Position);
        LogStuck(_logger, problem, Name, problem.Position);
    }

    /// <summary>Got past where it was stuck, if it was: say so once.</summary>
    private void Recovered()
    {
        if (_problem is null) return;
        (_problem, _retryDelay) = (null, TimeSpan.Zero);
        LogRecovered(_logger, Name, _stuckAt, _live.Applied);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Projection} is stuck before position {Position} and retries, backing off, until the row can be applied")]
    private static partial void LogStuck(ILogger logger, Exception exception, string projection, long position);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Projection} recovered: it got past position {Position} and is at position {Checkpoint}")]
    private static partial void LogRecovered(ILogger logger, string projection, long position, long checkpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Projection} has tables of shape {Saved} (at position {Checkpoint}); the code has shape {Current}: rebuilding from the journal while the old tables answer")]
    private static partial void LogShapeChanged(ILogger logger, string projection, int saved, int current, long checkpoint);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Projection}: another activation committed to its tables; this one deactivates")]
    private static partial void LogFenced(ILogger logger, Exception exception, string projection);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Projection} rebuild started into generation {Generation}")]
    private static partial void LogRebuildStarted(ILogger logger, string projection, int generation);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Projection} rebuilt: generation {Generation} caught up at position {Position} and now answers queries")]
    private static partial void LogRebuilt(ILogger logger, string projection, int generation, long position);
}
