using System.Diagnostics;
using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Xunit.Abstractions;
using static EventStore.Tests.Aggregates.AggregateTestKit;

namespace EventStore.Tests.Reminders;

/// <summary>
/// Memory keys stored with a time to live expire by themselves: the namespace grain writes <c>memory:expired</c> once per
/// key, whether or not it is active, across a cluster restart, and never for a key overwritten or deleted before its due
/// time. Each test waits by polling the journal (with a generous limit), never by asserting a time.
/// </summary>
public abstract class MemoryExpiryTests(ReminderCluster cluster, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private IMemoryNamespaceGrain Namespace(string ns) => cluster.Client.GetGrain<IMemoryNamespaceGrain>(ns);

    [Fact]
    public async Task A_key_stored_with_a_time_to_live_expires_by_itself_exactly_once_at_its_due_time()
    {
        var ns = Ids.New("memory");
        var memory = Namespace(ns);
        var t0 = NowMs();
        await memory.Store("k", "fact", 10, timeToLive: TimeSpan.FromSeconds(1));
        var expiresAt = (await memory.GetState()).Entries["k"].ExpiresAt;
        AssertWithin(expiresAt, t0.AddSeconds(1), DateTimeOffset.UtcNow.AddSeconds(1), "ExpiresAt");

        var rows = await WaitFor(ns, rows => rows.Any(r => r.Type == "memory:expired"));
        await NoReminderLeft(ns);

        Assert.Equal(["memory:stored", "memory:expired"], cluster.Journal.Rows(ns).Select(r => r.Type));
        var expired = Payload(rows[^1]);
        Assert.Equal(expiresAt, expired.GetProperty("expiresAt").GetDateTimeOffset());
        Assert.True(expired.GetProperty("expiredAt").GetDateTimeOffset() >= expiresAt, "expired no earlier than due");
        Assert.Equal(MemoryNamespaceGrain.ExpirySource, rows[^1].Source);
        Assert.Equal(expiresAt, Payload(rows[0]).GetProperty("expiresAt").GetDateTimeOffset());
        var entry = (await memory.GetState()).Entries["k"];
        Assert.False(entry.IsActive);
        Assert.NotNull(entry.ExpiredAt);
        Report("active", expiresAt!.Value, rows[^1]);
        await Assert.ThrowsAsync<InvalidTransitionException>(() => memory.Retrieve("k"));
    }

    [Fact]
    public async Task A_key_that_expires_by_itself_joins_the_run_that_stored_it()
    {
        var ns = Ids.New("memory");
        var run = Ids.New("run");
        var stored = await Namespace(ns).Store("k", "fact", 10, context: new CommandContext { CorrelationId = run }, timeToLive: TimeSpan.FromSeconds(1));

        var rows = await WaitFor(ns, rows => rows.Any(r => r.Type == "memory:expired"));

        Assert.Equal(run, rows[^1].CorrelationId);
        Assert.Equal(stored.EventId, rows[^1].CausationId);
        Assert.Equal([stored.EventId, rows[^1].Id], (await cluster.Client.GetEventStore().GetTimeline(run)).Events.Select(e => e.Id));
    }

    [Fact]
    public async Task A_key_expires_while_its_namespace_grain_is_not_active()
    {
        var ns = Ids.New("memory");
        var memory = Namespace(ns);
        await memory.Store("k", "fact", 10, timeToLive: TimeSpan.FromSeconds(2));
        var expiresAt = (await memory.GetState()).Entries["k"].ExpiresAt!.Value;
        await cluster.DeactivateAsync(memory);

        var rows = await WaitFor(ns, rows => rows.Any(r => r.Type == "memory:expired"));
        await NoReminderLeft(ns);
        Assert.Equal(["memory:stored", "memory:expired"], cluster.Journal.Rows(ns).Select(r => r.Type));
        Report("inactive", expiresAt, rows[^1]);
    }

    [Fact]
    public async Task Several_keys_due_at_once_each_expire_once_and_a_later_key_stays_armed()
    {
        var ns = Ids.New("memory");
        var memory = Namespace(ns);
        foreach (var key in new[] { "a", "b", "c" }) await memory.Store(key, "fact", 1, timeToLive: TimeSpan.FromSeconds(1));
        await memory.Store("later", "fact", 1, timeToLive: TimeSpan.FromHours(1));
        await memory.Store("forever", "fact", 1);

        await WaitFor(ns, rows => rows.Count(r => r.Type == "memory:expired") == 3);
        var state = await memory.GetState();
        Assert.Equal(["a", "b", "c"], state.Entries.Values.Where(e => e.ExpiredAt is not null).Select(e => e.Key).Order());
        Assert.True(state.Entries["later"].IsActive && state.Entries["forever"].IsActive);
        var expired = cluster.Journal.Rows(ns).Where(r => r.Type == "memory:expired").Select(r => Payload(r).GetProperty("key").GetString()).ToList();
        Assert.Equal(["a", "b", "c"], expired.Order());

        // The namespace's one reminder now waits for the key due in an hour.
        var reminder = Assert.Single((await cluster.ReminderTable.ReadRows(GrainOf(ns))).Reminders);
        Assert.Equal(MemoryNamespaceGrain.ExpiryReminder, reminder.ReminderName);
        Assert.InRange(new DateTimeOffset(reminder.StartAt), state.Entries["later"].ExpiresAt!.Value.AddSeconds(-1), state.Entries["later"].ExpiresAt!.Value.AddSeconds(1));
    }

    [Fact]
    public async Task A_key_overwritten_or_deleted_before_its_due_time_does_not_expire_then_and_a_new_time_to_live_expires_at_the_new_time()
    {
        var ns = Ids.New("memory");
        var memory = Namespace(ns);
        await memory.Store("kept", "fact", 1, timeToLive: TimeSpan.FromSeconds(1));
        await memory.Store("deleted", "fact", 1, timeToLive: TimeSpan.FromSeconds(1));
        await memory.Store("moved", "fact", 1, timeToLive: TimeSpan.FromSeconds(1));
        await memory.Store("kept", "fact", 2);                                          // no time to live any more
        await memory.Delete("deleted");
        await memory.Store("moved", "fact", 2, timeToLive: TimeSpan.FromSeconds(3));    // due later instead
        var movedTo = (await memory.GetState()).Entries["moved"].ExpiresAt!.Value;
        await memory.Store("witness", "fact", 1, timeToLive: TimeSpan.FromSeconds(2)); // due after the old due times, before the new one

        await WaitFor(ns, rows => rows.Any(r => r.Type == "memory:expired" && Payload(r).GetProperty("key").GetString() == "moved"));
        await NoReminderLeft(ns);

        var expired = cluster.Journal.Rows(ns).Where(r => r.Type == "memory:expired").Select(Payload).ToList();
        Assert.Equal(["witness", "moved"], expired.Select(e => e.GetProperty("key").GetString()));
        Assert.Equal(movedTo, expired[1].GetProperty("expiresAt").GetDateTimeOffset());
        var state = await memory.GetState();
        Assert.True(state.Entries["kept"].IsActive);
        Assert.NotNull(state.Entries["deleted"].DeletedAt);
        Assert.Null(state.Entries["deleted"].ExpiredAt);
    }

    [Fact]
    public async Task A_key_that_falls_due_while_the_cluster_is_down_expires_once_after_it_restarts()
    {
        var ns = Ids.New("memory");
        await Namespace(ns).Store("k", "fact", 1, timeToLive: TimeSpan.FromSeconds(2));
        await Namespace(ns).Store("after", "fact", 1, timeToLive: TimeSpan.FromSeconds(6));
        var due = (await Namespace(ns).GetState()).Entries.Values.ToDictionary(e => e.Key, e => e.ExpiresAt!.Value);

        var restarted = DateTimeOffset.MinValue;
        await cluster.RestartAsync(async () =>
        {
            Assert.DoesNotContain(cluster.Journal.Rows(ns), r => r.Type == "memory:expired"); // stopped before the due time
            var wait = due["k"] - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
            if (wait > TimeSpan.Zero) await Task.Delay(wait); // the premise: the key falls due while no silo runs
            restarted = DateTimeOffset.UtcNow;
        });

        var rows = await WaitFor(ns, rows => rows.Count(r => r.Type == "memory:expired") == 2);
        await NoReminderLeft(ns);
        var expired = rows.Where(r => r.Type == "memory:expired").ToList();
        Assert.Equal(["k", "after"], expired.Select(r => Payload(r).GetProperty("key").GetString()));
        Report("after restart (cluster started " + (restarted - due["k"]).TotalMilliseconds.ToString("0") + " ms after due)", due["k"], expired[0]);
        Report("due after the restart", due["after"], expired[1]);
    }

    [Fact]
    public async Task A_key_past_its_due_time_is_expired_before_a_read_and_the_read_is_refused()
    {
        // Written through the event store, the key has a due time but no reminder: only a read can find it due.
        var ns = Ids.New("memory");
        var dueAt = NowMs().AddSeconds(-5);
        await cluster.Client.GetEventStore().Append(ns, AggregateTypes.Memory,
            [new NewEvent(new MemoryStored($"{ns}/k", ns, "k", "fact", 1, dueAt.AddSeconds(-10), dueAt))]);
        var memory = Namespace(ns);
        Assert.True((await memory.GetState()).Entries["k"].IsActive);

        var refused = await Assert.ThrowsAsync<InvalidTransitionException>(() => memory.Retrieve("k"));
        Assert.Contains("expired", refused.Message);
        Assert.Equal(["memory:stored", "memory:expired"], cluster.Journal.Rows(ns).Select(r => r.Type));
        Assert.Equal(dueAt, Payload(cluster.Journal.Rows(ns)[^1]).GetProperty("expiresAt").GetDateTimeOffset());
        await Assert.ThrowsAsync<InvalidTransitionException>(() => memory.Retrieve("k"));
        Assert.Equal(2, cluster.Journal.Rows(ns).Count);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(-10_000_000L)]
    [InlineData(366L * TimeSpan.TicksPerDay)]
    public async Task A_time_to_live_that_is_not_positive_or_over_the_limit_is_refused_and_nothing_is_written(long ticks)
    {
        var ns = Ids.New("memory");
        var refused = await Assert.ThrowsAsync<InvalidCommandException>(() => Namespace(ns).Store("k", "fact", 1, timeToLive: TimeSpan.FromTicks(ticks)));
        Assert.Equal("timeToLive", refused.Argument);
        Assert.Empty(cluster.Journal.Rows(ns));
        Assert.Empty((await cluster.ReminderTable.ReadRows(GrainOf(ns))).Reminders);
    }

    [Fact]
    public async Task A_store_with_a_time_to_live_retried_under_its_event_id_returns_the_first_receipt_and_expires_once()
    {
        var ns = Ids.New("memory");
        var context = new CommandContext { EventId = Ids.New("store") };
        var first = await Namespace(ns).Store("k", "fact", 1, context: context, timeToLive: TimeSpan.FromSeconds(1));
        var dueAt = (await Namespace(ns).GetState()).Entries["k"].ExpiresAt;
        Assert.Equal(first, await Namespace(ns).Store("k", "fact", 1, context: context, timeToLive: TimeSpan.FromSeconds(1)));
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => Namespace(ns).Store("k", "fact", 1, context: context, timeToLive: TimeSpan.FromSeconds(5)));

        var rows = await WaitFor(ns, rows => rows.Any(r => r.Type == "memory:expired"));
        await NoReminderLeft(ns);
        Assert.Equal(["memory:stored", "memory:expired"], cluster.Journal.Rows(ns).Select(r => r.Type));
        Assert.Equal(dueAt, Payload(rows[^1]).GetProperty("expiresAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_store_without_a_time_to_live_writes_the_payload_it_always_did()
    {
        var ns = Ids.New("memory");
        await Namespace(ns).Store("k", "fact", 1);
        using var payload = JsonDocument.Parse(cluster.Journal.Rows(ns).Single().Payload);
        Assert.False(payload.RootElement.TryGetProperty("expiresAt", out _));
        Assert.Null((await Namespace(ns).GetState()).Entries["k"].ExpiresAt);
        Assert.Empty((await cluster.ReminderTable.ReadRows(GrainOf(ns))).Reminders);
    }

    private static GrainId GrainOf(string ns) => GrainId.Create(AggregateTypes.Memory, ns);

    /// <summary>Polls the namespace's rows until <paramref name="done"/>; fails after <see cref="Patience"/>.</summary>
    private async Task<IReadOnlyList<JournalRow>> WaitFor(string ns, Func<IReadOnlyList<JournalRow>, bool> done)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var rows = cluster.Journal.Rows(ns);
            if (done(rows)) return rows;
            if (clock.Elapsed > Patience)
                Assert.Fail($"Gave up after {Patience.TotalSeconds} s; the namespace's rows: {string.Join(", ", rows.Select(r => r.Type))}");
            await Task.Delay(100);
        }
    }

    /// <summary>The namespace removed its reminder (nothing left to expire), so nothing can expire twice; polls, as removal follows the last write.</summary>
    private async Task NoReminderLeft(string ns)
    {
        var clock = Stopwatch.StartNew();
        while ((await cluster.ReminderTable.ReadRows(GrainOf(ns))).Reminders.Count > 0)
        {
            if (clock.Elapsed > Patience) Assert.Fail("The namespace's expiry reminder is still registered.");
            await Task.Delay(100);
        }
    }

    private void Report(string when, DateTimeOffset due, JournalRow expired)
    {
        var written = DateTimeOffset.FromUnixTimeMilliseconds(expired.Timestamp);
        output.WriteLine($"[{GetType().Name}] {when}: due {due:HH:mm:ss.fff}, memory:expired committed {written:HH:mm:ss.fff} ({(written - due).TotalMilliseconds:0} ms after due)");
    }
}

[Collection(ReminderCollection.Name)]
public sealed class MemoryExpiryTests_Sqlite(ReminderCluster cluster, ITestOutputHelper output) : MemoryExpiryTests(cluster, output);

[Collection(PostgresReminderCollection.Name)]
public sealed class MemoryExpiryTests_Postgres(PostgresReminderCluster cluster, ITestOutputHelper output) : MemoryExpiryTests(cluster, output);
