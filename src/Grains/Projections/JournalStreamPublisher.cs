using EventStore.Events;
using EventStore.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using Orleans.Streams;

namespace EventStore.Projections;

/// <summary>
/// Publishes each commit of this silo's journal writer on the journal stream, in commit order, once it
/// is durable. A message that cannot be sent is logged and dropped: projections find its events in the
/// journal when they notice the gap, so the stream only ever makes them faster, never more correct.
/// </summary>
internal sealed partial class JournalStreamPublisher(
    EventJournal journal, IClusterClient client, IOptions<ProjectionOptions> options, ILogger<JournalStreamPublisher> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(JournalStreamPublisher), ServiceLifecycleStage.Active, Start, Stop);

    private Task Start(CancellationToken cancellationToken)
    {
        var stream = client.GetStreamProvider(options.Value.StreamProvider)
            .GetStream<CommittedBatch>(StreamId.Create(ProjectionStreams.Namespace, ProjectionStreams.Key));
        _loop = Task.Run(() => Publish(stream));
        return Task.CompletedTask;
    }

    private async Task Publish(IAsyncStream<CommittedBatch> stream)
    {
        try
        {
            await foreach (var batch in journal.Feed.ReadAllAsync(_stopping.Token))
            {
                try
                {
                    await stream.OnNextAsync(batch);
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

    private async Task Stop(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await _loop;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Commit of positions {From}-{To} not published on the journal stream; projections will read it from the journal")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, long from, long to);
}
