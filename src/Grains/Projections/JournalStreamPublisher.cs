using EventStore.Events;
using EventStore.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Streams;

namespace EventStore.Projections;

/// <summary>
/// Publishes each commit of this silo's journal writer on the stream of every projection registered, in commit
/// order, once it is durable: each projection's message has the commit's range of positions and only the events
/// of its aggregate types (none, if the commit has none of them: the range still moves it on). A message that
/// cannot be sent is logged and dropped: projections find its events in the journal when they notice the gap, so
/// the stream only ever makes them faster, never more correct.
/// </summary>
internal sealed partial class JournalStreamPublisher(
    EventJournal journal, IClusterClient client, ProjectionCatalog projections, IOptions<ProjectionOptions> options, ILogger<JournalStreamPublisher> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(JournalStreamPublisher), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken cancellationToken)
    {
        var provider = client.GetStreamProvider(options.Value.StreamProvider);
        var streams = projections.All.Select(p => (p.AggregateTypes, Stream: provider.GetStream<CommittedBatch>(ProjectionStreams.Of(p.Name)))).ToList();
        _loop = Task.Run(() => Publish(streams));
        return Task.CompletedTask;
    }

    private async Task Publish(IReadOnlyList<(IReadOnlyList<string> AggregateTypes, IAsyncStream<CommittedBatch> Stream)> streams)
    {
        try
        {
            await foreach (var batch in journal.Feed.ReadAllAsync(_stopping.Token))
            {
                try
                {
                    // One message per projection; each stream keeps commit order, because the next commit waits for these.
                    await Task.WhenAll(streams.Select(s => s.Stream.OnNextAsync(For(batch, s.AggregateTypes))));
                }
                catch (Exception ex)
                {
                    LogPublishFailed(logger, ex, batch.FromPosition, batch.ToPosition);
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    /// <summary>The commit as one projection's message: its whole range, the events of <paramref name="aggregateTypes"/>.</summary>
    private static CommittedBatch For(CommittedBatch batch, IReadOnlyList<string> aggregateTypes) =>
        batch.Events.All(e => aggregateTypes.Contains(e.AggregateType)) ? batch : batch with { Events = [.. batch.Events.Where(e => aggregateTypes.Contains(e.AggregateType))] };

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commit of positions {From}-{To} not published on every projection's stream; projections will read it from the journal")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, long from, long to);
}
