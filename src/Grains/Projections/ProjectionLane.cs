using EventStore.Errors;
using EventStore.Events;
using Microsoft.Extensions.Logging;

namespace EventStore.Projections;

/// <summary>
/// Folds the journal into one generation of a projection: applies events past the generation's checkpoint,
/// each once and in position order, into a <see cref="RecordSession"/>, and commits the records they changed
/// with the new checkpoint in one transaction. Between commits it holds only what the batch touched.
/// </summary>
internal sealed partial class ProjectionLane
{
    private readonly Projection _projection;
    private readonly IReadModelStore _store;
    private readonly ProjectionSource _source;
    private readonly ILogger _logger;
    private readonly RecordSession _session;
    private long _unchangedThrough;

    public ProjectionLane(Projection projection, ProjectionGeneration generation, ProjectionSource source, ILogger logger)
    {
        (_projection, _store, _source, _logger) = (projection, source.Store, source, logger);
        _session = new RecordSession(_store, generation);
        Applied = generation.Checkpoint;
    }

    /// <summary>The generation, with its committed checkpoint.</summary>
    public ProjectionGeneration Generation => _session.Generation;

    /// <summary>The last position applied (committed or not).</summary>
    public long Applied { get; private set; }

    /// <summary>Events applied since the last commit.</summary>
    public int Uncommitted { get; private set; }

    /// <summary>Whether anything applied waits for a commit.</summary>
    public bool HasUncommitted => Applied > Generation.Checkpoint;

    /// <summary>Whether records put or deleted wait for a commit (not just a checkpoint's move).</summary>
    public bool HasChangedRecords => _session.ChangeCount > 0;

    /// <summary>
    /// The last position that queries see: <see cref="Applied"/> when nothing applied since the last commit changed a
    /// record (the stored records are already what the journal folds to up there), else the position just before the
    /// first event that changed one.
    /// </summary>
    public long Visible => HasChangedRecords ? _unchangedThrough : Applied;

    /// <summary>
    /// Applies the events past <see cref="Applied"/> of the projection's aggregate types, in order, reading the records
    /// they name in one query per table first. An event that cannot be read or applied stops the batch: the events
    /// before it stay applied, nothing of it does, and <see cref="UnreadableEventException"/> says which it is.
    /// </summary>
    public async Task ApplyAsync(IReadOnlyList<EventEnvelope> events)
    {
        var fresh = events.Where(e => e.Position > Applied && _projection.AggregateTypes.Contains(e.AggregateType)).ToList();
        await _session.LoadAsync(fresh.Where(e => e.Payload is not UnreadableEvent).SelectMany(_projection.KeysOf));
        foreach (var envelope in fresh)
        {
            if (envelope.Payload is UnreadableEvent unreadable)
            {
                if (!unreadable.IsUnknownType)
                    throw new UnreadableEventException(envelope.Position, envelope.Id, envelope.Type, envelope.AggregateId, unreadable.Problem);
                // A type this version does not know cannot change this version's read model: skip it (a rebuild after an upgrade applies it).
                LogSkipped(_logger, _projection.Name, envelope.Position, envelope.Type);
            }
            else
            {
                try
                {
                    var unchanged = !HasChangedRecords;
                    await _session.ApplyAsync(records => _projection.ApplyAsync(envelope, records));
                    if (unchanged && HasChangedRecords) _unchangedThrough = Applied;
                }
                catch (Exception ex) when (ex is not ProjectionFencedException)
                {
                    throw new UnreadableEventException(envelope.Position, envelope.Id, envelope.Type, envelope.AggregateId, $"the read model cannot apply it: {ex.Message}");
                }
            }
            Advance(envelope.Position);
        }
    }

    /// <summary>Moves past positions that hold nothing for this projection.</summary>
    public void Advance(long position)
    {
        if (position <= Applied) return;
        Applied = position;
        Uncommitted++;
    }

    /// <summary>Reads and applies the journal up to <paramref name="position"/> (at most <paramref name="maxPages"/> pages), committing after each page.</summary>
    /// <returns>Whether it reached <paramref name="position"/>.</returns>
    public async Task<bool> CatchUpAsync(long position, int maxPages = int.MaxValue)
    {
        var pageSize = _source.Options.CatchUpPageSize;
        for (var pages = 0; Applied < position && pages < maxPages; pages++)
        {
            LogReading(_logger, _projection.Name, Generation.Number, Applied + 1, position);
            var page = await _source.ReadRangeAsync(Applied + 1, position, _projection.AggregateTypes, pageSize);
            try
            {
                await ApplyAsync(page);
            }
            finally
            {
                await CommitAsync(); // what was applied before a bad row is kept
            }
            if (page.Count < pageSize) Advance(position);
        }
        await CommitAsync();
        return Applied >= position;
    }

    /// <summary>Writes the records changed since the last commit and the checkpoint <see cref="Applied"/>, in one transaction.</summary>
    public async Task CommitAsync()
    {
        if (!HasUncommitted) return;
        var generation = Generation;
        var changes = _session.TakeChanges();
        try
        {
            await _store.CommitAsync(generation, generation.Checkpoint, Applied, changes);
        }
        catch
        {
            // Nothing of it was written: start again from the committed checkpoint (the journal still has the events).
            Applied = generation.Checkpoint;
            throw;
        }
        finally
        {
            Uncommitted = 0;
        }
        _session.Generation = generation with { Checkpoint = Applied };
    }

    /// <summary>Marks the generation active (after a rebuild switched to it).</summary>
    public void Activated() => _session.Generation = Generation with { IsActive = true };

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Projection} generation {Generation} reads the journal from position {From} to {To}")]
    private static partial void LogReading(ILogger logger, string projection, int generation, long from, long to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Projection} skipped the event at position {Position}: its type '{Type}' is unknown to this version")]
    private static partial void LogSkipped(ILogger logger, string projection, long position, string type);
}
