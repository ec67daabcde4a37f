using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using EventStore.Tests.Reliability;
using Microsoft.Extensions.Time.Testing;

namespace EventStore.Tests.Store;

/// <summary>
/// Every wait for the journal ends with the journal's own error well before Orleans' response timeout:
/// one budget per append operation, whatever its attempts, and settings checked against the timeout at start.
/// </summary>
public sealed class AppendDeadlineTests : IDisposable
{
    private static readonly TimeSpan AppendTimeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly TempJournal _temp;
    private readonly JournalEventStore _store;

    public AppendDeadlineTests()
    {
        _temp = new TempJournal(o => o.AppendTimeout = AppendTimeout, _clock);
        _store = new JournalEventStore(_temp.Journal, _temp.Journal.Reader, _temp.Options, _temp.Serializer, _clock,
            new EventStore.Diagnostics.EventStoreMetrics(meters: null));
    }

    private EventJournal Journal => _temp.Journal;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_store_append_that_conflicts_and_retries_shares_one_deadline_across_its_attempts()
    {
        const string stream = "contended";
        Task<AppendResult> append;
        using (var first = await Journal.PauseWriterAsync())
        {
            // A rival append to the same stream is queued first, so the store's first attempt (at version 0) will conflict.
            var rival = Journal.AppendAsync(TempJournal.NoteAppend(stream, 0), JournalDeadline.After(TimeSpan.FromHours(1), _clock));
            append = _store.AppendAsync(stream, "test", [new NewEvent(new NoteAdded("mine"))]);
            await WaitUntil(() => Journal.QueuedEvents == 2, "the store's first attempt is queued behind the rival");
            _clock.Advance(AppendTimeout - TimeSpan.FromSeconds(1));

            // Hold the writer again right after it has committed the rival and refused the first attempt.
            var second = Journal.PauseWriterAsync();
            first.Dispose();
            using (await second)
            {
                Assert.IsType<AppendOutcome.Committed>(await rival);
                await WaitUntil(() => Journal.QueuedEvents == 1, "the store's second attempt is queued");

                // One second of the operation's budget was left: it is spent now, although the second attempt has just begun.
                _clock.Advance(TimeSpan.FromSeconds(2));
                var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => append.WaitAsync(TimeSpan.FromSeconds(30)));
                Assert.Contains("was not committed within 10 s", error.Message);
                Assert.Contains("withdrawn", error.Message);
            }
        }
        await Journal.AppendAsync(TempJournal.NoteAppend("after", 0));
        Assert.Equal(1, _temp.File.Count(stream)); // only the rival's event
    }

    [Fact]
    public void The_default_timeouts_leave_half_of_orleans_default_response_timeout()
    {
        var defaults = new JournalOptions();
        defaults.ValidateAgainstResponseTimeout(new Orleans.Configuration.SiloMessagingOptions().ResponseTimeout);
        Assert.True(defaults.AppendTimeout + defaults.BusyTimeout <= TimeSpan.FromSeconds(15),
            $"AppendTimeout {defaults.AppendTimeout} + BusyTimeout {defaults.BusyTimeout} leave no room under the 30 s response timeout");
    }

    [Fact]
    public async Task A_silo_whose_journal_could_outwait_the_response_timeout_does_not_start_and_says_why()
    {
        var path = ReliabilityCluster.NewDatabasePath();
        try
        {
            var error = await Assert.ThrowsAnyAsync<Exception>(() => ReliabilityCluster.StartAsync(path, j => j.AppendTimeout = TimeSpan.FromSeconds(30)));
            var message = string.Join(" | ", Flatten(error).Select(e => e.Message));
            Assert.Contains("AppendTimeout (30 s) + BusyTimeout (5 s) must be at most half of Orleans' response timeout (30 s", message);
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
        }
    }

    private static IEnumerable<Exception> Flatten(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten)) yield return inner;
        }
    }

    private static async Task WaitUntil(Func<bool> condition, string what)
    {
        for (var i = 0; !condition(); i++)
        {
            if (i == 3000) Assert.Fail($"Still not the case after 30 s: {what}");
            await Task.Delay(10);
        }
    }
}
