using System.Runtime.CompilerServices;
using System.Threading.Channels;
using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// The events of each commit, in position order, as the writer committed them: the feed that the
/// stream publisher turns into stream messages. It never slows the writer and holds at most
/// <c>maxBytes</c> of events (and 10,000 commits): when nobody reads fast enough, commits are dropped,
/// and readers find them in the journal (a gap) instead.
/// </summary>
internal sealed class CommittedFeed
{
    private const int MaxCommits = 10_000;
    private readonly Channel<(CommittedBatch Batch, long Bytes)> _channel;
    private readonly long _maxBytes;
    private long _bytes;
    private volatile bool _open;

    public CommittedFeed(long maxBytes)
    {
        _maxBytes = maxBytes;
        _channel = Channel.CreateBounded<(CommittedBatch Batch, long Bytes)>(
            new BoundedChannelOptions(MaxCommits) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            dropped => Interlocked.Add(ref _bytes, -dropped.Bytes));
    }

    /// <summary>Bytes of the commits waiting to be read.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Called by the writer after each COMMIT; a no-op until someone reads the feed.</summary>
    public void Publish(IReadOnlyList<EventEnvelope> committed, long bytes)
    {
        if (!_open || committed.Count == 0) return;
        if (Bytes > 0 && Bytes + bytes > _maxBytes) return; // full: the reader meets a gap and reads the journal
        Interlocked.Add(ref _bytes, bytes);
        if (!_channel.Writer.TryWrite((new CommittedBatch(committed[0].Position, committed[^1].Position, committed), bytes)))
            Interlocked.Add(ref _bytes, -bytes);
    }

    /// <summary>Every commit from now on, until <paramref name="cancellationToken"/> fires.</summary>
    public async IAsyncEnumerable<CommittedBatch> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        _open = true;
        await foreach (var (batch, bytes) in _channel.Reader.ReadAllAsync(cancellationToken))
        {
            Interlocked.Add(ref _bytes, -bytes);
            yield return batch;
        }
    }
}
