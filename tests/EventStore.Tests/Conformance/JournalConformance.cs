using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Conformance;

/// <summary>
/// What every journal backend must do, written once and run on each (a one-line subclass per backend):
/// appends and their refusals, reads, snapshots, stats, positions that a reader can follow without ever
/// skipping an event, and schema upgrades.
/// </summary>
public abstract class JournalConformance : IAsyncLifetime
{
    /// <summary>The event the previous schema's database holds at position 1, in stream <c>old-stream</c>.</summary>
    public const string OldEventId = "old-event";

    private IJournalKit? _kit;

    /// <summary>A fresh database (of the previous schema version when <paramref name="previousSchema"/>) with a started journal.</summary>
    private protected abstract Task<IJournalKit> CreateKitAsync(bool previousSchema);

    private IJournalKit Kit => _kit ?? throw new InvalidOperationException("No kit yet.");

    private EventJournal Journal => Kit.Journal;

    public async Task InitializeAsync() => _kit = await CreateKitAsync(previousSchema: false);

    public async Task DisposeAsync()
    {
        if (_kit is not null) await _kit.DisposeAsync();
    }

    [Fact]
    public async Task An_appended_event_reads_back_with_every_field()
    {
        var metadata = new Dictionary<string, string> { ["user"] = "ada", ["région"] = "eu-🌍" };
        var pending = Journal.Prepare("stream-a", "test", new NoteAdded("it's \"quoted\""), "source-x", "event-1", 1_764_000_000_123, metadata, "cause-1", "corr-1");

        var committed = Assert.Single(Committed(await Journal.AppendAsync(new StreamAppend("stream-a", "test", 0, [pending]))));

        foreach (var read in new[] { Assert.Single(await Journal.Reader.ReadStreamAsync("stream-a", 0)), (await Journal.Reader.FindEventAsync("event-1"))!, Assert.Single(await Journal.Reader.ReadFromPositionAsync(1, 10)) })
        {
            Assert.Equal(("event-1", "test:note", "stream-a", "test", 1L, committed.Position), (read.Id, read.Type, read.AggregateId, read.AggregateType, read.Version, read.Position));
            Assert.Equal((1_764_000_000_123L, "source-x", "cause-1", "corr-1"), (read.Timestamp, read.Source, read.CausationId, read.CorrelationId));
            Assert.Equal(new NoteAdded("it's \"quoted\""), read.Payload);
            Assert.Equal(metadata, read.Metadata);
        }
        var stored = (await Journal.Reader.FindStoredEventAsync("event-1"))!;
        Assert.Equal(pending.PayloadJson, stored.PayloadJson);
        Assert.Equal(pending.Request, stored.Fingerprint);
        Assert.NotNull(stored.Fingerprint);
        Assert.Null(await Journal.Reader.FindEventAsync("missing"));
    }

    [Fact]
    public async Task Versions_run_from_1_to_n_across_appends_and_the_stream_version_is_the_last()
    {
        await Journal.AppendAsync(TempJournal.NoteAppend("stream-v", 0, count: 3));
        await Journal.AppendAsync(TempJournal.NoteAppend("stream-v", 3, count: 2));

        Assert.Equal([1L, 2, 3, 4, 5], (await Journal.Reader.ReadStreamAsync("stream-v", 0)).Select(e => e.Version));
        Assert.Equal([3L, 4], (await Journal.Reader.ReadStreamAsync("stream-v", 2, 4)).Select(e => e.Version));
        Assert.Equal(5, await Journal.Reader.GetStreamVersionAsync("stream-v"));
        Assert.Equal(0, await Journal.Reader.GetStreamVersionAsync("nobody"));
    }

    [Fact]
    public async Task A_stale_expected_version_is_a_conflict_naming_the_actual_version_and_writes_nothing()
    {
        await Journal.AppendAsync(TempJournal.NoteAppend("stream-c", 0, count: 2));

        var conflict = Assert.IsType<AppendOutcome.VersionConflict>(await Journal.AppendAsync(TempJournal.NoteAppend("stream-c", 1, "late")));

        Assert.Equal(2, conflict.ActualVersion);
        Assert.Null(await Journal.Reader.FindEventAsync("late"));
        Assert.Equal(2, (await Journal.Reader.GetStatsAsync(0)).TotalEvents);
    }

    [Fact]
    public async Task A_taken_event_id_is_refused_naming_the_event_that_holds_it()
    {
        await Journal.AppendAsync(TempJournal.NoteAppend("holder", 0, "taken"));

        var error = await Assert.ThrowsAsync<DuplicateEventIdException>(() => Journal.AppendAsync(TempJournal.NoteAppend("other", 0, "taken")));

        Assert.Contains("'taken'", error.Message);
        Assert.Contains("version 1 of aggregate 'holder'", error.Message);
        Assert.Equal(0, await Journal.Reader.GetStreamVersionAsync("other"));
    }

    [Fact]
    public async Task A_multi_event_append_lands_whole_or_not_at_all()
    {
        await Journal.AppendAsync(TempJournal.NoteAppend("holder", 0, "taken"));
        var append = TempJournal.NoteAppend("multi", 0, count: 3);
        var events = append.Events.ToList();
        events[2] = events[2] with { Id = "taken" };

        await Assert.ThrowsAsync<DuplicateEventIdException>(() => Journal.AppendAsync(append with { Events = events }));
        var twice = await Assert.ThrowsAsync<DuplicateEventIdException>(() => Journal.AppendAsync(TempJournal.NoteAppend("multi", 0, "same", count: 2)));

        Assert.Contains("twice", twice.Message);
        Assert.Equal(0, await Journal.Reader.GetStreamVersionAsync("multi"));
        foreach (var e in events.Take(2)) Assert.Null(await Journal.Reader.FindEventAsync(e.Id));
        var next = Committed(await Journal.AppendAsync(TempJournal.NoteAppend("multi", 0, count: 2)));
        Assert.Equal([2L, 3], next.Select(e => e.Position)); // the refused appends left no hole
    }

    [Fact]
    public async Task One_bad_append_in_a_batch_fails_alone_while_its_neighbours_share_one_commit()
    {
        await Journal.AppendAsync(TempJournal.NoteAppend("taken", 0, "taken-event"));
        Task<AppendOutcome>[] good;
        Task<AppendOutcome> stale, duplicate, wrongType;
        long commitsBefore;
        using (await Journal.PauseWriterAsync())
        {
            commitsBefore = Journal.Commits;
            good = Enumerable.Range(0, 10).Select(i => Journal.AppendAsync(TempJournal.NoteAppend($"stream-{i}", 0, count: 2))).ToArray();
            stale = Journal.AppendAsync(TempJournal.NoteAppend("taken", 5));
            duplicate = Journal.AppendAsync(TempJournal.NoteAppend("other", 0, "taken-event"));
            wrongType = Journal.AppendAsync(TempJournal.NoteAppend("taken", 1, aggregateType: "agent"));
        }

        foreach (var outcome in await Task.WhenAll(good)) Assert.IsType<AppendOutcome.Committed>(outcome);
        Assert.Equal(1, Assert.IsType<AppendOutcome.VersionConflict>(await stale).ActualVersion);
        Assert.Contains("version 1 of aggregate 'taken'", (await Assert.ThrowsAsync<DuplicateEventIdException>(() => duplicate)).Message);
        Assert.Equal("aggregateId", (await Assert.ThrowsAsync<InvalidCommandException>(() => wrongType)).Argument);
        Assert.Equal(1, Journal.Commits - commitsBefore);
        Assert.Equal(Enumerable.Range(1, 21).Select(i => (long)i), (await Journal.Reader.ReadFromPositionAsync(1, 100)).Select(e => e.Position));
    }

    [Fact]
    public async Task Appends_in_one_batch_see_the_ones_queued_before_them()
    {
        await Journal.AppendAsync(TempJournal.NoteAppend("held", 0, "held-event"));
        Task<AppendOutcome> first, second, third, afterRefused, stale;
        long commitsBefore;
        using (await Journal.PauseWriterAsync())
        {
            commitsBefore = Journal.Commits;
            first = Journal.AppendAsync(TempJournal.NoteAppend("chain", 0, count: 2));
            second = Journal.AppendAsync(TempJournal.NoteAppend("chain", 2));       // after the first, in the same batch
            stale = Journal.AppendAsync(TempJournal.NoteAppend("chain", 2));        // the second took version 3
            third = Journal.AppendAsync(TempJournal.NoteAppend("chain", 3, "chain-4"));
            afterRefused = Journal.AppendAsync(TempJournal.NoteAppend("new", 1));   // expects an append that never came
        }

        Assert.Equal([1L, 2], Committed(await first).Select(e => e.Version));
        Assert.Equal(3, Assert.Single(Committed(await second)).Version);
        Assert.Equal(3, Assert.IsType<AppendOutcome.VersionConflict>(await stale).ActualVersion);
        Assert.Equal(4, Assert.Single(Committed(await third)).Version);
        Assert.Equal(0, Assert.IsType<AppendOutcome.VersionConflict>(await afterRefused).ActualVersion);
        Assert.Equal(1, Journal.Commits - commitsBefore);
        // Gapless, in queue order: the refused appends took no position.
        Assert.Equal([("held", 1L), ("chain", 1), ("chain", 2), ("chain", 3), ("chain", 4)],
            (await Journal.Reader.ReadFromPositionAsync(1, 100)).Select(e => (e.AggregateId, e.Version)));
        Assert.Equal([1L, 2, 3, 4, 5], (await Journal.Reader.ReadFromPositionAsync(1, 100)).Select(e => e.Position));
        Assert.Equal(5, (await Journal.Reader.GetStatsAsync(0)).TotalEvents);
    }

    [Fact]
    public async Task An_event_id_used_twice_in_one_batch_fails_the_later_append_alone()
    {
        Task<AppendOutcome> first, reused, neighbour;
        using (await Journal.PauseWriterAsync())
        {
            first = Journal.AppendAsync(TempJournal.NoteAppend("twice-a", 0, "twice"));
            reused = Journal.AppendAsync(TempJournal.NoteAppend("twice-b", 0, "twice"));
            neighbour = Journal.AppendAsync(TempJournal.NoteAppend("twice-c", 0));
        }

        Assert.Equal(1, Assert.Single(Committed(await first)).Position);
        Assert.Contains("version 1 of aggregate 'twice-a'", (await Assert.ThrowsAsync<DuplicateEventIdException>(() => reused)).Message);
        Assert.Equal(2, Assert.Single(Committed(await neighbour)).Position);
        Assert.Equal(2, (await Journal.Reader.GetStatsAsync(0)).TotalEvents);
    }

    [Fact]
    public async Task A_lone_append_refused_for_a_taken_id_leaves_its_batch_usable_and_is_counted_nowhere()
    {
        await Journal.AppendAsync(TempJournal.NoteAppend("holder", 0, "taken"));
        Task<AppendOutcome> refused;
        Task snapshot;
        long commitsBefore;
        using (await Journal.PauseWriterAsync())
        {
            commitsBefore = Journal.Commits;
            refused = Journal.AppendAsync(TempJournal.NoteAppend("other", 0, "taken"));
            snapshot = Journal.SaveSnapshotAsync(new Snapshot("holder", "test", 1, "{}", 7), SnapshotOwner.Store);
        }

        Assert.Contains("version 1 of aggregate 'holder'", (await Assert.ThrowsAsync<DuplicateEventIdException>(() => refused)).Message);
        await snapshot;
        Assert.Equal(1, Journal.Commits - commitsBefore);
        Assert.Equal(new Snapshot("holder", "test", 1, "{}", 7), await Journal.Reader.GetSnapshotAsync("holder", SnapshotOwner.Store));
        var stats = await Journal.Reader.GetStatsAsync(0);
        Assert.Equal((1L, 1L, 1L, 1L), (stats.TotalEvents, stats.AggregateCount, stats.HeadPosition, stats.SnapshotCount));
        Assert.Equal(new Dictionary<string, long> { ["test:note"] = 1 }, stats.EventsByType);
        Assert.Equal(2, Assert.Single(Committed(await Journal.AppendAsync(TempJournal.NoteAppend("other", 0)))).Position); // no hole
    }

    [Fact]
    public async Task Snapshots_are_kept_per_owner_and_the_latest_version_wins()
    {
        await Journal.SaveSnapshotAsync(new Snapshot("agg", "test", 5, "store-5", 10), SnapshotOwner.Store);
        await Journal.SaveSnapshotAsync(new Snapshot("agg", "test", 3, "grain-3", 11), SnapshotOwner.Grain);
        await Journal.SaveSnapshotAsync(new Snapshot("agg", "test", 4, "store-4", 12), SnapshotOwner.Store);
        await Journal.SaveSnapshotAsync(new Snapshot("agg", "test", 7, "grain-7", 13), SnapshotOwner.Grain);

        Assert.Equal(new Snapshot("agg", "test", 5, "store-5", 10), await Journal.Reader.GetSnapshotAsync("agg", SnapshotOwner.Store));
        Assert.Equal(new Snapshot("agg", "test", 7, "grain-7", 13), await Journal.Reader.GetSnapshotAsync("agg", SnapshotOwner.Grain));
        Assert.Null(await Journal.Reader.GetSnapshotAsync("none", SnapshotOwner.Store));
    }

    [Fact]
    public async Task Pages_by_type_and_ranges_by_aggregate_types_come_in_position_order()
    {
        const string phase = "swarm:phase-changed";
        for (var i = 0; i < 3; i++)
        {
            await Journal.AppendAsync(TempJournal.NoteAppend($"note-{i}", 0));
            await Journal.AppendAsync(new StreamAppend($"swarm-{i}", "swarm", 0,
                [Journal.Prepare($"swarm-{i}", "swarm", new SwarmPhaseChanged("a", $"b{i}", DateTimeOffset.UnixEpoch), "test", timestamp: 1)]));
        }

        Assert.Equal([2L, 4, 6], (await Journal.Reader.ReadFromPositionAsync(1, 10, phase)).Select(e => e.Position));
        Assert.Equal([4L, 6], (await Journal.Reader.ReadFromPositionAsync(3, 10, phase)).Select(e => e.Position));
        Assert.Equal([1L, 3], (await Journal.Reader.ReadFromPositionAsync(1, 2, "test:note")).Select(e => e.Position));
        Assert.Equal([3L, 4, 5], (await Journal.Reader.ReadFromPositionAsync(3, 3)).Select(e => e.Position));
        Assert.Equal([2L, 4], (await Journal.Reader.ReadRangeAsync(2, 5, ["swarm"], 10)).Select(e => e.Position));
        Assert.Equal([2L, 3, 4, 5], (await Journal.Reader.ReadRangeAsync(2, 5, ["swarm", "test"], 10)).Select(e => e.Position));
        Assert.Equal([2L], (await Journal.Reader.ReadRangeAsync(2, 5, ["swarm", "test"], 1)).Select(e => e.Position));
        Assert.Empty(await Journal.Reader.ReadRangeAsync(1, 6, ["nothing"], 10));
        Assert.Equal(6, await Journal.Reader.GetHeadPositionAsync());
    }

    [Fact]
    public async Task Queries_filter_by_every_field_with_limit_and_offset()
    {
        for (var i = 1; i <= 3; i++)
        {
            var append = TempJournal.NoteAppend($"q-{i}", 0, count: 2, aggregateType: i == 3 ? "other" : "test");
            var events = append.Events.Select((e, k) => e with { Timestamp = i * 100 + k }).ToList();
            await Journal.AppendAsync(append with { Events = events });
        }
        async Task Expect(long[] positions, EventFilter filter, long limit = -1) => Assert.Equal(positions, (await Journal.Reader.QueryAsync(filter, limit)).Select(e => e.Position));

        await Expect([1L, 2, 3, 4, 5, 6], new EventFilter());
        await Expect([1L, 2, 5, 6], new EventFilter { AggregateIds = ["q-1", "q-3"] });
        await Expect([5L, 6], new EventFilter { AggregateTypes = ["other"] });
        await Expect([1L, 2, 3, 4, 5, 6], new EventFilter { EventTypes = ["test:note"] });
        await Expect([], new EventFilter { EventTypes = ["x:y"] });
        await Expect([3L, 4], new EventFilter { After = 200, Before = 300 });
        await Expect([2L, 4, 6], new EventFilter { FromVersion = 2 });
        await Expect([3L, 4], new EventFilter { Offset = 2 }, 2);
        await Expect([5L, 6], new EventFilter { Offset = 4 });
        await Expect([4L], new EventFilter { AggregateIds = ["q-2"], FromVersion = 2, After = 0 }, 5);
        Assert.Equal(300, await Journal.Reader.GetTimestampAtAsync(5));
        Assert.Null(await Journal.Reader.GetTimestampAtAsync(7));
    }

    [Fact]
    public async Task Stats_count_events_aggregates_types_and_snapshots()
    {
        Assert.Equal((0L, 0L, 0L, (long?)null), await Summary());
        await Journal.AppendAsync(TempJournal.NoteAppend("s-1", 0, count: 2) with { Events = TempJournal.NoteAppend("s-1", 0, count: 2).Events.Select((e, k) => e with { Timestamp = 10 + k }).ToList() });
        await Journal.AppendAsync(TempJournal.NoteAppend("s-2", 0, aggregateType: "other"));
        await Journal.SaveSnapshotAsync(new Snapshot("s-1", "test", 2, "{}", 1), SnapshotOwner.Store);
        await Journal.SaveSnapshotAsync(new Snapshot("s-1", "test", 2, "{}", 1), SnapshotOwner.Grain);
        await Journal.SaveSnapshotAsync(new Snapshot("s-2", "other", 1, "{}", 1), SnapshotOwner.Grain);

        var stats = await Journal.Reader.GetStatsAsync(1234);

        Assert.Equal((3L, 2L, 3L, (long?)1), await Summary());
        Assert.Equal((1L, 11L), (stats.OldestTimestamp, stats.NewestTimestamp));
        Assert.Equal(new Dictionary<string, long> { ["test:note"] = 3 }, stats.EventsByType);
        Assert.Equal(new Dictionary<string, long> { ["test"] = 2, ["other"] = 1 }, stats.EventsByAggregateType);
        Assert.Equal((1L, 2L, 1234L), (stats.SnapshotCount, stats.AggregateSnapshotCount, stats.JournalSizeBytes));

        async Task<(long Total, long Aggregates, long Head, long? Oldest)> Summary()
        {
            var s = await Journal.Reader.GetStatsAsync(0);
            return (s.TotalEvents, s.AggregateCount, s.HeadPosition, s.OldestTimestamp);
        }
    }

    [Fact]
    public async Task Two_journals_on_one_database_give_gapless_positions_in_commit_order_and_a_follower_sees_each_event_once()
    {
        var journals = new[] { Journal, Kit.OpenAnother() };
        var follower = new Follower(Journal.Reader);
        var following = follower.RunAsync();

        var writers = journals.SelectMany((journal, j) => Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            var positions = new List<long>();
            for (var i = 0; i < 15; i++)
                positions.AddRange(Committed(await journal.AppendAsync(TempJournal.NoteAppend($"silo{j}-writer{w}", i * 2, count: 2))).Select(e => e.Position));
            return positions;
        }))).ToArray();
        var written = (await Task.WhenAll(writers)).SelectMany(p => p).ToList();
        follower.Stop();
        await following;

        Assert.Equal(240, written.Count);
        Assert.Equal(Enumerable.Range(1, 240).Select(i => (long)i), written.Order());
        Assert.Equal(Enumerable.Range(1, 240).Select(i => (long)i), follower.Seen.Select(e => e.Position));
        foreach (var stream in follower.Seen.GroupBy(e => e.AggregateId))
            Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), stream.Select(e => e.Version));
    }

    [Fact]
    public async Task A_follower_never_skips_an_append_whose_transaction_commits_after_later_ones_started()
    {
        var otherSilo = Kit.OpenAnother();
        var follower = new Follower(Journal.Reader);
        var following = follower.RunAsync();
        using var held = Kit.OpenBatchStore();
        held.Begin();
        var late = Committed(Assert.IsType<AppendOutcome.Committed>(held.Append(TempJournal.NoteAppend("late", 0, "late-event"))));

        var others = Enumerable.Range(0, 10).Select(i => otherSilo.AppendAsync(TempJournal.NoteAppend($"early-{i}", 0))).ToArray();
        using (var waiting = new CancellationTokenSource())
        {
            // Either the other silo's writer waits for the open transaction (as it must), or its appends committed past it.
            await Task.WhenAny(Task.WhenAll(others), Kit.WaitUntilAWriterWaitsForALockAsync(waiting.Token));
            await waiting.CancelAsync();
        }
        var pollsWhileHeld = follower.Polls;
        await follower.PolledAfterAsync(pollsWhileHeld);
        Assert.All(others, t => Assert.False(t.IsCompleted, "an append of another silo committed while an earlier position was still uncommitted"));
        held.Commit();
        var otherPositions = (await Task.WhenAll(others)).SelectMany(Committed).Select(e => e.Position).ToList();
        follower.Stop();
        await following;

        Assert.Equal(1, Assert.Single(late).Position);
        Assert.All(otherPositions, p => Assert.True(p > 1));
        Assert.Equal(Enumerable.Range(1, 11).Select(i => (long)i), follower.Seen.Select(e => e.Position));
        Assert.Equal("late-event", follower.Seen[0].Id);
    }

    [Fact]
    public async Task A_database_of_the_previous_schema_version_is_upgraded_on_open()
    {
        await Kit.DisposeAsync();
        _kit = await CreateKitAsync(previousSchema: true);

        Assert.Equal(5, await Kit.RecordedSchemaVersionAsync());
        var old = (await Journal.Reader.FindStoredEventAsync(OldEventId))!;
        Assert.Equal(("old-stream", 1L, 1L, (string?)null), (old.Envelope.AggregateId, old.Envelope.Version, old.Envelope.Position, old.Fingerprint));
        var next = Assert.Single(Committed(await Journal.AppendAsync(new StreamAppend("old-stream", "test", 1, [Journal.Prepare("old-stream", "test", new NoteAdded("new"), "test", "new-event", 2)]))));
        Assert.Equal((2L, 2L), (next.Version, next.Position));
        Assert.NotNull((await Journal.Reader.FindStoredEventAsync("new-event"))!.Fingerprint);
    }

    private static IReadOnlyList<EventEnvelope> Committed(object outcome) => Assert.IsType<AppendOutcome.Committed>(outcome).Events;

    /// <summary>A catch-up reader following the log by <c>position &gt; checkpoint</c>, as projections do.</summary>
    private sealed class Follower(IJournalReader reader)
    {
        private volatile bool _stopping;
        private int _polls;

        public List<EventEnvelope> Seen { get; } = [];

        public int Polls => Volatile.Read(ref _polls);

        /// <summary>After this, the follower reads until it finds nothing new, then ends.</summary>
        public void Stop() => _stopping = true;

        public async Task RunAsync()
        {
            var checkpoint = 0L;
            while (true)
            {
                var last = _stopping; // a read started after Stop sees everything committed before it
                var page = await reader.ReadFromPositionAsync(checkpoint + 1, 50);
                foreach (var e in page)
                {
                    Seen.Add(e);
                    checkpoint = e.Position;
                }
                Interlocked.Increment(ref _polls);
                if (page.Count > 0) continue;
                if (last) return;
                await Task.Delay(1);
            }
        }

        /// <summary>Completes once the follower has read the log again after <paramref name="polls"/> reads.</summary>
        public async Task PolledAfterAsync(int polls)
        {
            while (Polls <= polls + 1) await Task.Delay(1);
        }
    }
}
