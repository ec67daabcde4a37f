using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Journal;

/// <summary>What may wait for the journal's writer is bounded: a flood is refused at once, memory stays bounded, and the journal recovers.</summary>
public sealed class WriterBackpressureTests : IDisposable
{
    private const long MaxQueuedBytes = 8L * 1024 * 1024;
    private readonly TempJournal _temp = new(o => (o.MaxQueuedBytes, o.MaxQueuedEvents) = (MaxQueuedBytes, 500));
    private EventJournal Journal => _temp.Journal;
    private string FilePath => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_flood_past_the_byte_limit_is_refused_at_once_memory_stays_bounded_and_the_journal_recovers()
    {
        // 2,000 appends of 64 Ki characters: 256 MiB of payload text, 32 times the limit.
        const int appends = 2000, characters = 64 * 1024;
        var memoryBefore = GC.GetTotalMemory(forceFullCollection: true);
        var calls = new List<(string Stream, Task<AppendOutcome> Outcome)>();
        long retained, mostQueued = 0;
        using (await Journal.PauseWriterAsync())
        {
            for (var i = 0; i < appends; i++)
            {
                var stream = $"flood-{i}";
                calls.Add((stream, Journal.AppendAsync(Append(stream, 0, characters))));
                mostQueued = Math.Max(mostQueued, Journal.QueuedBytes);
            }
            retained = GC.GetTotalMemory(forceFullCollection: true) - memoryBefore;

            // Refused at once: each refusal is already complete when the call returns, while the writer is still held.
            var refused = calls.Where(c => c.Outcome.IsCompleted).ToList();
            Assert.True(refused.Count > appends / 2, $"only {refused.Count} of {appends} appends were refused while the writer was held");
            foreach (var (_, outcome) in refused)
            {
                var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => outcome);
                Assert.Contains("overloaded", error.Message);
                Assert.Contains("MaxQueuedBytes", error.Message);
            }
        }

        Assert.True(mostQueued <= MaxQueuedBytes, $"{mostQueued} bytes queued, over the limit of {MaxQueuedBytes}");
        Assert.True(retained < 64L * 1024 * 1024, $"{retained / 1024 / 1024} MiB retained by a flood of 512 MiB (UTF-16) held at the writer");

        var accepted = calls.Where(c => !c.Outcome.IsFaulted).ToList();
        foreach (var (_, outcome) in accepted) Assert.IsType<AppendOutcome.Committed>(await outcome);
        var rows = new JournalFile(FilePath).Rows();
        Assert.Equal(accepted.Select(c => c.Stream).Order(), rows.Select(r => r.AggregateId).Order());
        Assert.Equal((0L, 0L), (Journal.QueuedEvents, Journal.QueuedBytes));

        // Recovered: the next appends are taken as usual.
        var after = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Journal.AppendAsync(Append($"after-{i}", 0, 100))));
        Assert.All(after, outcome => Assert.IsType<AppendOutcome.Committed>(outcome));
    }

    [Fact]
    public async Task A_flood_past_the_event_limit_is_refused_and_an_append_alone_is_always_taken()
    {
        Task<AppendOutcome>[] calls;
        using (await Journal.PauseWriterAsync())
        {
            calls = Enumerable.Range(0, 800).Select(i => Journal.AppendAsync(Append($"many-{i}", 0, 10))).ToArray();
            Assert.Equal(500, Journal.QueuedEvents);
        }
        Assert.Equal(500, calls.Count(c => c.Status != TaskStatus.Faulted));
        foreach (var refused in calls.Where(c => c.IsFaulted))
            Assert.Contains("MaxQueuedEvents", (await Assert.ThrowsAsync<JournalUnavailableException>(() => refused)).Message);
        await Task.WhenAll(calls.Where(c => !c.IsFaulted));

        // One append bigger than the byte limit is still taken when nothing else waits.
        var big = await Journal.AppendAsync(Append("big", 0, (int)MaxQueuedBytes));
        Assert.IsType<AppendOutcome.Committed>(big);
    }

    [Fact]
    public async Task An_append_withdrawn_at_its_deadline_gives_back_its_bytes_at_once()
    {
        Task<AppendOutcome> withdrawn;
        using (await Journal.PauseWriterAsync())
        {
            withdrawn = Journal.AppendAsync(Append("withdrawn", 0, 100_000), JournalDeadline.After(TimeSpan.FromMilliseconds(100), TimeProvider.System));
            var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => withdrawn);
            Assert.Contains("withdrawn", error.Message);
            Assert.Equal(0, Journal.QueuedBytes); // the payload is dropped while the writer is still held
        }
        await Journal.AppendAsync(Append("next", 0));
        Assert.Equal(0, new JournalFile(FilePath).Count("withdrawn"));
        Assert.Equal((0L, 0L), (Journal.QueuedEvents, Journal.QueuedBytes));
    }

    private static StreamAppend Append(string stream, long expectedVersion, int characters = 10) =>
        TempJournal.NoteAppend(stream, expectedVersion, characters: characters);
}
