using EventStore.Admin;
using EventStore.Journal;
using EventStore.Store;

namespace EventStore.Tests.Cli;

/// <summary>
/// <see cref="JournalVerifier"/> itself, reading two rows and two snapshots a page: what it finds does not depend on
/// where the pages end (a gap or a snapshot just past a page boundary is found once, a clean journal is clean).
/// </summary>
public abstract class VerifyPagingTests
{
    protected abstract JournalProvider Provider { get; }

    [Fact]
    public async Task Small_pages_find_a_sound_journal_sound()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);
        foreach (var stream in new[] { "a", "b", "c" }) await journal.Journal.Store.SaveSnapshotAsync(new Snapshot(stream, "note", 3, "{}", 0));

        var report = await Verifier(journal).VerifyAsync();

        Assert.True(report.Ok, string.Join("; ", report.Checks.SelectMany(c => c.Problems)));
        Assert.Equal((9, 3, 9), (report.Events, report.Streams, report.HeadPosition));
    }

    [Fact]
    public async Task Small_pages_find_a_gap_and_a_snapshot_ahead_across_page_boundaries_once_each()
    {
        await using var journal = await VerifyTestJournal.CreateAsync(Provider);
        foreach (var stream in new[] { "a", "b", "c" }) await journal.Journal.Store.SaveSnapshotAsync(new Snapshot(stream, "note", 3, "{}", 0));
        var position = journal.Rows.Long("SELECT position FROM events WHERE aggregate_id = 'b' AND version = 2");
        journal.Rows.Execute("DELETE FROM events WHERE aggregate_id = 'b' AND version = 2");
        journal.Rows.Execute("UPDATE snapshots SET version = 4 WHERE aggregate_id = 'c'");

        var report = await Verifier(journal).VerifyAsync();

        var checks = report.Checks.ToDictionary(c => c.Name);
        Assert.Equal($"position {position} is missing (a lost event) before position {position + 1}", Assert.Single(checks["positions"].Problems));
        Assert.Single(checks["streams"].Problems, p => p.Contains("(b v3)", StringComparison.Ordinal));
        Assert.Contains("'c'", Assert.Single(checks["snapshots"].Problems));
        Assert.Equal(8, report.Events);
    }

    private static JournalVerifier Verifier(VerifyTestJournal journal) =>
        new(journal.Journal.Backend, journal.Journal.Serializer, [new VerifyNotesProjection()], pageSize: 2);
}

public sealed class VerifyPagingTests_Sqlite : VerifyPagingTests
{
    protected override JournalProvider Provider => JournalProvider.Sqlite;
}

public sealed class VerifyPagingTests_Postgres : VerifyPagingTests
{
    protected override JournalProvider Provider => JournalProvider.Postgres;
}
