using EventStore.Diagnostics;

namespace EventStore.Subscriptions;

/// <summary>How many live subscriptions this silo is serving now: one per subscriber's open enumerator.</summary>
internal sealed class OpenSubscriptions
{
    private long _count;

    /// <summary>Counts the subscriptions of this silo, read by the <see cref="EventStoreDiagnostics.Subscriptions"/> gauge.</summary>
    public OpenSubscriptions(EventStoreMetrics metrics) => metrics.WatchSubscriptions(() => Count);

    /// <summary>Subscriptions open on this silo.</summary>
    public long Count => Interlocked.Read(ref _count);

    /// <summary>Counts one more until the returned handle is disposed.</summary>
    public IDisposable Open()
    {
        Interlocked.Increment(ref _count);
        return new Handle(this);
    }

    private sealed class Handle(OpenSubscriptions owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref owner._count);
        }
    }
}
