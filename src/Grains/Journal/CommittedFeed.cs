using System.Threading.Channels;
using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// The events of each commit, in position order, as the writer committed them: the feed that the
/// stream publisher turns into stream messages. It never slows the writer: when nobody reads fast
/// enough, the oldest commits are dropped, and readers find them in the journal (a gap) instead.
/// </summary>
internal sealed class CommittedFeed
{
    private readonly Channel<CommittedBatch> _channel = Channel.CreateBounded<CommittedBatch>(
        new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true });
    private volatile bool _open;

    /// <summary>Called by the writer after each COMMIT; a no-op until someone reads the feed.</summary>
    public void Publish(IReadOnlyList<EventEnvelope> committed)
    {
        if (_open && committed.Count > 0)
            _channel.Writer.TryWrite(new CommittedBatch(committed[0].Position, committed[^1].Position, committed));
    }

    /// <summary>Every commit from now on, until <paramref name="cancellationToken"/> fires.</summary>
    public IAsyncEnumerable<CommittedBatch> ReadAllAsync(CancellationToken cancellationToken)
    {
        _open = true;
        return _channel.Reader.ReadAllAsync(cancellationToken);
    }
}
