using EventStore.Events;
using EventStore.Journal;
using Orleans.Streams;

namespace EventStore.Tests.Projections;

/// <summary>
/// Publishes a given <see cref="CommittedBatch"/> on the journal stream from inside the silo, as the
/// journal's publisher would: lets tests deliver a commit twice, or a batch that overlaps a checkpoint.
/// </summary>
public interface IBatchReplayGrain : IGrainWithStringKey
{
    /// <summary>Publishes <paramref name="batch"/> on the journal stream; returns once the stream accepted it.</summary>
    Task Publish(CommittedBatch batch);
}

/// <summary>The grain behind <see cref="IBatchReplayGrain"/>.</summary>
public sealed class BatchReplayGrain : Grain, IBatchReplayGrain
{
    /// <inheritdoc />
    public Task Publish(CommittedBatch batch) =>
        this.GetStreamProvider("EventStoreJournal")
            .GetStream<CommittedBatch>(StreamId.Create("event-journal", "all"))
            .OnNextAsync(batch);
}
