namespace EventStore.Journal;

/// <summary>
/// "The journal's head moved": pulsed by this silo's writer after each COMMIT, awaited by whoever tails the journal
/// (live subscriptions). It carries no events (readers read them from the journal), so it holds no memory whatever
/// the readers' speed, and any number of readers may wait on it. Commits of other silos are not seen here: readers
/// also poll.
/// </summary>
internal sealed class CommitSignal
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>
    /// Completes at the next <see cref="Pulse"/>. Take it before reading the head: a commit after that read then
    /// completes it, so a reader that found nothing new never sleeps through one.
    /// </summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>Called by the writer after a commit: wakes every waiter (on the thread pool, never on the writer's thread).</summary>
    public void Pulse() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
