using EventStore.Cli;
using EventStore.Journal;
using EventStore.Store;

namespace EventStore.Tests.Cli;

/// <summary>
/// <c>verify</c> on small journals of the tests' own (<see cref="VerifyTestJournal"/>), each corrupted with plain SQL as a
/// bad disk, a bad restore or a hand edit would: every corruption is found, named (position, aggregate, type or key) and
/// exits with code 1; the same journal untouched passes.
/// </summary>
public abstract class VerifyCorruptionTests
{
    protected abstract JournalProvider Provider { get; }

    /// <summary>SQL that removes the unique constraint on (aggregate_id, version), which a fork needs first.</summary>
    protected abstract string DropVersionUniqueness { get; }

    [Fact]
    public async Task An_untouched_journal_passes_every_check_including_its_projection()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);

        var run = (await journal.VerifyAsync()).ExitsWith(ExitCodes.Success);

        Assert.Empty(run.Failing());
        Assert.Equal(9, run.Json.GetProperty("events").GetInt64());
        Assert.Contains("checkpoint 9", run.Check("projection:verify_notes").GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_deleted_row_is_a_gap_in_positions_and_a_hole_in_its_stream()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);
        var position = journal.Rows.Long("SELECT position FROM events WHERE aggregate_id = 'b' AND version = 2");
        journal.Rows.Execute("DELETE FROM events WHERE aggregate_id = 'b' AND version = 2");

        var run = (await journal.VerifyAsync()).ExitsWith(ExitCodes.Failed);

        Assert.Contains(run.Check("positions").Problems(), p => p.Contains($"position {position} is missing", StringComparison.Ordinal));
        Assert.Contains(run.Check("streams").Problems(), p => p.Contains("(b v3)", StringComparison.Ordinal) && p.Contains("version 2 is missing before it", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_repeated_version_is_reported_as_a_fork_of_its_stream()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);
        journal.Rows.Execute(DropVersionUniqueness);
        journal.Rows.Execute("UPDATE events SET version = 2 WHERE aggregate_id = 'b' AND version = 3");

        var run = (await journal.VerifyAsync()).ExitsWith(ExitCodes.Failed);

        Assert.Equal(new[] { "streams" }, run.Failing());
        Assert.Contains(run.Check("streams").Problems(), p => p.Contains("(b v2)", StringComparison.Ordinal) && p.Contains("fork", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_aggregate_type_changed_mid_stream_is_named()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);
        journal.Rows.Execute("UPDATE events SET aggregate_type = 'other' WHERE aggregate_id = 'c' AND version = 2");

        var run = (await journal.VerifyAsync()).ExitsWith(ExitCodes.Failed);

        Assert.Contains(run.Check("streams").Problems(), p => p.Contains("(c v2)", StringComparison.Ordinal) && p.Contains("'other'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_payload_that_is_not_JSON_is_an_unreadable_row_named_by_position_and_type()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);
        var position = journal.Rows.Long("SELECT position FROM events WHERE aggregate_id = 'a' AND version = 1")!.Value;
        journal.Rows.SetPayload(position, "this is not json");

        var run = (await journal.VerifyAsync()).ExitsWith(ExitCodes.Failed);

        var problem = Assert.Single(run.Check("readable").Problems());
        Assert.Contains($"position {position}", problem);
        Assert.Contains("'test:note'", problem);
    }

    [Fact]
    public async Task Unknown_event_types_are_named_and_the_events_assembly_makes_them_readable()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);

        var without = (await journal.VerifyAsync(withEventTypes: false)).ExitsWith(ExitCodes.Failed);
        var with = (await journal.VerifyAsync()).ExitsWith(ExitCodes.Success);

        Assert.Equal(new[] { "readable" }, without.Failing());
        Assert.Equal(9, without.Check("readable").GetProperty("problemCount").GetInt64());
        Assert.All(without.Check("readable").Problems(), p => Assert.Contains("--events-assembly", p));
        Assert.Empty(with.Failing());
    }

    [Fact]
    public async Task A_stats_counter_off_by_one_is_named()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);
        journal.Rows.Execute("UPDATE event_type_counts SET events = events + 1 WHERE type = 'test:note'");

        var run = (await journal.VerifyAsync()).ExitsWith(ExitCodes.Failed);

        Assert.Equal(new[] { "counters" }, run.Failing());
        Assert.Contains("'test:note': the counter says 10, the journal has 9", Assert.Single(run.Check("counters").Problems()));
    }

    [Fact]
    public async Task A_snapshot_ahead_of_its_stream_is_named()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);
        await journal.Journal.Store.SaveSnapshotAsync(new Snapshot("a", "note", 3, "{}", 0));
        Assert.Empty((await journal.VerifyAsync()).ExitsWith(ExitCodes.Success).Failing());
        journal.Rows.Execute("UPDATE snapshots SET version = 7 WHERE aggregate_id = 'a'");

        var run = (await journal.VerifyAsync()).ExitsWith(ExitCodes.Failed);

        Assert.Equal(new[] { "snapshots" }, run.Failing());
        Assert.Contains("snapshots 'a': the snapshot is at version 7, ahead of its stream's last version 3", Assert.Single(run.Check("snapshots").Problems()));
    }

    [Fact]
    public async Task Projection_records_altered_deleted_or_added_are_each_named_by_key()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);
        journal.Rows.Execute($$"""UPDATE {{VerifyTestJournal.NotesTable}} SET doc = '{"count":99,"lastText":"a3"}' WHERE key = 'a'""");
        journal.Rows.Execute($"DELETE FROM {VerifyTestJournal.NotesTable} WHERE key = 'b'");
        journal.Rows.Execute($$"""INSERT INTO {{VerifyTestJournal.NotesTable}} (key, doc) VALUES ('ghost', '{"count":1,"lastText":"boo"}')""");

        var run = (await journal.VerifyAsync()).ExitsWith(ExitCodes.Failed);

        Assert.Equal(new[] { "projection:verify_notes" }, run.Failing());
        var problems = run.Check("projection:verify_notes").Problems();
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("notes 'a': differs", StringComparison.Ordinal) && p.Contains("\"count\":99", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("notes 'b':", StringComparison.Ordinal) && p.Contains("(missing)", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("notes 'ghost':", StringComparison.Ordinal) && p.Contains("(extra)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_projection_record_holding_the_same_JSON_written_differently_agrees()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);
        journal.Rows.Execute($$"""UPDATE {{VerifyTestJournal.NotesTable}} SET doc = '{ "lastText": "c3",  "count": 3 }' WHERE key = 'c'""");

        var run = (await journal.VerifyAsync()).ExitsWith(ExitCodes.Success);

        Assert.Empty(run.Failing());
    }
}

public sealed class VerifyCorruptionTests_Sqlite : VerifyCorruptionTests
{
    protected override JournalProvider Provider => JournalProvider.Sqlite;

    // SQLite cannot drop a table constraint: the rows move to a copy without any.
    protected override string DropVersionUniqueness =>
        "CREATE TABLE events_copy AS SELECT * FROM events; DROP TABLE events; ALTER TABLE events_copy RENAME TO events;";
}

public sealed class VerifyCorruptionTests_Postgres : VerifyCorruptionTests
{
    protected override JournalProvider Provider => JournalProvider.Postgres;

    protected override string DropVersionUniqueness => "ALTER TABLE events DROP CONSTRAINT events_aggregate_id_version_key";
}
