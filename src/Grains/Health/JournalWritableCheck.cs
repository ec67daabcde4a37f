using EventStore.Journal;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace EventStore.Health;

/// <summary>
/// Readiness of the journal, without writing an event: the database answers a read of the head within the check's
/// timeout, the writer's queue has room (an append now would not be refused as overloaded), and the writer's last
/// transaction did not fail (a failure counts until a transaction commits: the next append that succeeds clears it).
/// </summary>
internal sealed class JournalWritableCheck(EventJournal journal, JournalOptions limits, EventStoreHttpOptions options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        long head;
        try
        {
            head = await journal.Reader.GetHeadPositionAsync().WaitAsync(options.CheckTimeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"the journal ({journal.Description}) did not answer a read of its head within {options.CheckTimeout.TotalMilliseconds:0} ms");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the journal ({journal.Description}) could not be read: {e.Message}", e);
        }

        var data = new Dictionary<string, object>
        {
            ["headPosition"] = head,
            ["queuedEvents"] = journal.QueuedEvents,
            ["queuedBytes"] = journal.QueuedBytes,
        };
        if (journal.QueuedEvents >= limits.MaxQueuedEvents || journal.QueuedBytes >= limits.MaxQueuedBytes)
            return HealthCheckResult.Unhealthy(
                $"the journal's writer is overloaded: {journal.QueuedEvents} of {limits.MaxQueuedEvents} events, {journal.QueuedBytes} of {limits.MaxQueuedBytes} bytes queued", data: data);
        if (journal.LastCommitFailure is { } failure)
            return HealthCheckResult.Unhealthy($"the journal's last commit failed: {failure.Message}", data: data);
        return HealthCheckResult.Healthy($"the journal answers (head {head}) and its writer has room", data);
    }
}
