using EventStore.Events;
using EventStore.Store;
using EventStore.Subscriptions;

namespace EventStore.ClientDemo;

/// <summary>
/// A live subscription running beside the scenario: it starts after the journal's head at the start of the run, so it
/// sees every event committed from then on, in commit order, and keeps those of this run's aggregates, with the time
/// each arrived. The scenario's section headers say how many have arrived so far; at the end it is compared with the receipts.
/// </summary>
internal sealed class LiveFeed : IAsyncDisposable
{
    private readonly List<(EventEnvelope Event, DateTimeOffset ReceivedAt)> _received = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly DemoCast _cast;
    private readonly Task _reading;
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LiveFeed(IClusterClient client, DemoCast cast, long afterPosition)
    {
        (_cast, StartPosition) = (cast, afterPosition);
        _reading = Task.Run(() => ReadAsync(client));
    }

    /// <summary>The journal's head when the feed started: it delivers everything after it.</summary>
    public long StartPosition { get; }

    /// <summary>Events of this run received so far.</summary>
    public int Count
    {
        get { lock (_received) return _received.Count; }
    }

    /// <summary>Starts the subscription after the journal's current head.</summary>
    public static async Task<LiveFeed> StartAsync(IClusterClient client, DemoCast cast) =>
        new(client, cast, (await client.GetEventStore().GetStats()).HeadPosition);

    /// <summary>What has arrived, in the order it arrived.</summary>
    public IReadOnlyList<(EventEnvelope Event, DateTimeOffset ReceivedAt)> Received
    {
        get { lock (_received) return _received.ToList(); }
    }

    /// <summary>The first received event that matches, waiting for it up to <paramref name="timeout"/>; null if none came.</summary>
    public async Task<(EventEnvelope Event, DateTimeOffset ReceivedAt)?> WaitForAsync(Func<EventEnvelope, bool> match, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        while (true)
        {
            Task arrived;
            lock (_received)
            {
                foreach (var item in _received) if (match(item.Event)) return item;
                arrived = _arrived.Task;
            }
            try
            {
                await arrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// Prints what the subscription saw: every receipt of the run, in the same order, plus the events the store wrote by
    /// itself (a memory key's expiry). Returns false if one is missing or out of order.
    /// </summary>
    public bool PrintReport(ReceiptLog log, TextWriter output)
    {
        var received = Received;
        var commanded = log.Receipts.Select(r => r.EventId).ToHashSet(StringComparer.Ordinal);
        var inOrder = received.Where(r => commanded.Contains(r.Event.Id)).Select(r => r.Event.Id).SequenceEqual(log.Receipts.Select(r => r.EventId));
        var byItself = received.Where(r => !commanded.Contains(r.Event.Id)).ToList();
        var delays = received.Select(r => (r.ReceivedAt - DateTimeOffset.FromUnixTimeMilliseconds(r.Event.Timestamp)).TotalMilliseconds).Order().ToList();
        output.WriteLine();
        output.WriteLine($"== Live subscription (after position {StartPosition}, started before the scenario)");
        output.WriteLine($"  {received.Count} events of this run arrived as they committed, in commit order; " +
                         $"the run's {log.Count} receipts among them in the same order: {(inOrder ? "yes" : "NO")}");
        foreach (var (e, _) in byItself) output.WriteLine($"  written by the store itself: pos {e.Position} {e.Type} {e.AggregateId} (source {e.Source})");
        if (delays.Count > 0)
            output.WriteLine($"  from the event's timestamp to its arrival here: median {delays[delays.Count / 2]:F0} ms, slowest {delays[^1]:F0} ms");
        return inOrder;
    }

    private async Task ReadAsync(IClusterClient client)
    {
        try
        {
            await foreach (var e in client.SubscribeToEvents(SubscriptionRequest.After(StartPosition), _stop.Token))
            {
                if (!e.AggregateId.EndsWith(_cast.Suffix, StringComparison.Ordinal)) continue;
                lock (_received)
                {
                    _received.Add((e, DateTimeOffset.UtcNow));
                    _arrived.TrySetResult();
                    _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _reading;
        _stop.Dispose();
    }
}
