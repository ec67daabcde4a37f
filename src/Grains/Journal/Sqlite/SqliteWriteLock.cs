namespace EventStore.Journal.Sqlite;

/// <summary>
/// The journal file's write lock as this process sees it: the journal's writer and the read models' writes take it, in
/// turn, before they ask SQLite for the file's lock (<c>BEGIN IMMEDIATE</c>). Without it the two would meet in SQLite's
/// busy handler, which retries after sleeping 1, 2, 5 … up to 100 ms: a projection's commit could miss one short gap
/// between the writer's back-to-back transactions after another for a second and more, and the writer would sleep
/// whenever a projection held the file. Here a waiter is woken the moment the holder is done, and waiting read-model
/// writes get the lock in turn between two of the writer's batches. Other processes on the same file still meet this
/// one in the busy handler.
/// </summary>
internal sealed class SqliteWriteLock
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    /// <summary>Waits for the lock on this thread (the journal's writer has a thread of its own); dispose to release it.</summary>
    public Held Enter()
    {
        _lock.Wait();
        return new Held(_lock);
    }

    /// <summary>Waits for the lock without holding a thread; dispose to release it.</summary>
    public async Task<Held> EnterAsync()
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        return new Held(_lock);
    }

    /// <summary>The lock, held until disposed (once).</summary>
    public sealed class Held(SemaphoreSlim held) : IDisposable
    {
        private SemaphoreSlim? _held = held;

        /// <inheritdoc />
        public void Dispose() => Interlocked.Exchange(ref _held, null)?.Release();
    }
}
