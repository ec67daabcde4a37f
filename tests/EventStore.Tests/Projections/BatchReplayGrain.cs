using EventStore.Events;
using EventStore.Journal;
using Orleans.Streams;

namespace EventStore.Tests.Projections;

/// <summary>
/// Publishes a given <see cref="CommittedBatch"/> on the stream of each of the three projections from inside the
/// silo, as the journal's publisher would: lets tests deliver a commit twice, or a batch that overlaps a checkpoint.
/// </summary>
public interface IBatchReplayGrain : IGrainWithStringKey
{
    /// <summary>Publishes <paramref name="batch"/> on the projections' streams; returns once they accepted it.</summary>
    Task Publish(CommittedBatch batch);
}

/// <summary>The grain behind <see cref="IBatchReplayGrain"/>.</summary>
public sealed class BatchReplayGrain : Grain, IBatchReplayGrain
{
    /// <inheritdoc />
    public Task Publish(CommittedBatch batch) =>
        Task.WhenAll(Projectors.Names.Select(name => this.GetStreamProvider("EventStoreJournal")
            .GetStream<CommittedBatch>(StreamId.Create("event-journal", name))
            .OnNextAsync(batch)));
}
