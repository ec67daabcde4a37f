namespace EventStore.Hosting;

/// <summary>
/// Retries the first connection to the gateway a few times, so a client tool tolerates a silo that is still
/// starting, then gives up so that an absent silo is reported quickly instead of waited for forever.
/// </summary>
public sealed class GatewayRetryFilter(int maxAttempts, TimeSpan delay, TextWriter output) : IClientConnectionRetryFilter
{
    private int _failedAttempts;

    /// <inheritdoc />
    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        _failedAttempts++;
        if (_failedAttempts >= maxAttempts || cancellationToken.IsCancellationRequested)
        {
            return false;
        }

        output.WriteLine($"Gateway not reachable yet (attempt {_failedAttempts} of {maxAttempts}); retrying in {delay.TotalSeconds:0.#} s...");
        await Task.Delay(delay, cancellationToken);
        return true;
    }
}
