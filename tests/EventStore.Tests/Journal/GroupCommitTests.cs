using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace EventStore.Tests.Journal;

/// <summary>The journal's writer on its own, without Orleans, on a real file.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly TempJournal _temp = new();
    private EventJournal Journal => _temp.Journal;
    private string FilePath => _temp.Path;

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Appends_queued_together_share_one_commit_and_a_bad_one_fails_alone()
    {
        await Journal.AppendAsync(Append("taken", 0, "taken-event"));
        Task<AppendOutcome>[] good;
        Task<AppendOutcome> stale, duplicate;
        long commitsBefore;
        using (await Journal.PauseWriterAsync())
        {
            commitsBefore = Journal.Commits;
            good = Enumerable.Range(0, 20).Select(i => Journal.AppendAsync(Append($"stream-{i}", 0))).ToArray();
            stale = Journal.AppendAsync(Append("taken", 5));
            duplicate = Journal.AppendAsync(Append("other", 0, "taken-event"));
        }

        foreach (var outcome in await Task.WhenAll(good)) Assert.IsType<AppendOutcome.Committed>(outcome);
        Assert.Equal(1, Assert.IsType<AppendOutcome.VersionConflict>(await stale).ActualVersion);
        var error = await Assert.ThrowsAsync<DuplicateEventIdException>(() => duplicate);
        Assert.Contains("version 1 of aggregate 'taken'", error.Message);
        Assert.Equal(1, Journal.Commits - commitsBefore);
        var rows = new JournalFile(FilePath).Rows();
        Assert.Equal(21, rows.Count);
        JournalAssert.IsConsistent(rows);
    }

    [Fact]
    public async Task Appends_wait_for_a_lock_held_by_another_connection_and_then_commit_together()
    {
        using (var blocker = HoldWriteLock())
        {
            var good = Enumerable.Range(0, 20).Select(i => Journal.AppendAsync(Append($"locked-{i}", 0))).ToList();
            var commitsBefore = Journal.Commits;
            blocker.Dispose();

            foreach (var outcome in await Task.WhenAll(good)) Assert.IsType<AppendOutcome.Committed>(outcome);
            Assert.True(Journal.Commits - commitsBefore < 20, $"{Journal.Commits - commitsBefore} commits for 20 appends: nothing was grouped");
        }
    }

    [Fact]
    public async Task Two_appends_to_one_stream_queued_together_share_one_commit_and_chain_their_versions()
    {
        Task<AppendOutcome> first, second;
        long commitsBefore;
        using (await Journal.PauseWriterAsync())
        {
            commitsBefore = Journal.Commits;
            first = Journal.AppendAsync(Append("chain", 0));
            second = Journal.AppendAsync(Append("chain", 1));
        }

        var committed = new[] { await first, await second }.Cast<AppendOutcome.Committed>().SelectMany(c => c.Events).ToList();
        Assert.Equal(1, Journal.Commits - commitsBefore);
        Assert.Equal([1L, 2L], committed.Select(e => e.Version));
        Assert.True(committed[1].Position > committed[0].Position);
    }

    [Fact]
    public async Task Committed_envelopes_carry_the_positions_and_versions_of_their_rows()
    {
        var outcome = (AppendOutcome.Committed)await Journal.AppendAsync(Append("multi", 0, count: 3));

        var rows = new JournalFile(FilePath).Rows("multi");
        Assert.Equal(rows.Select(r => (r.Id, r.Version, r.Position)), outcome.Events.Select(e => (e.Id, e.Version, e.Position)));
        var read = await Journal.Reader.ReadStreamAsync("multi", afterVersion: 1, toVersion: 2);
        Assert.Equal(2, Assert.Single(read).Version);
    }

    [Fact]
    public async Task Disposing_the_journal_commits_what_is_queued_first()
    {
        var pending = Enumerable.Range(0, 50).Select(i => Journal.AppendAsync(Append($"drain-{i}", 0))).ToList();
        Journal.Dispose();

        foreach (var outcome in await Task.WhenAll(pending)) Assert.IsType<AppendOutcome.Committed>(outcome);
        Assert.Equal(50, new JournalFile(FilePath).Count());
        await Assert.ThrowsAsync<JournalUnavailableException>(() => Journal.AppendAsync(Append("late", 0)));
    }

    [Fact]
    public void The_schema_has_the_spec_columns_and_constraints()
    {
        using var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sql FROM sqlite_master WHERE name = 'events'";
        var ddl = (string)command.ExecuteScalar()!;
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string)command.ExecuteScalar()!);
        Assert.Contains("position       INTEGER PRIMARY KEY AUTOINCREMENT", ddl);
        Assert.Contains("UNIQUE (aggregate_id, version)", ddl);
        Assert.Contains("id             TEXT    NOT NULL UNIQUE", ddl);
    }

    private static StreamAppend Append(string stream, long expectedVersion, string? eventId = null, int count = 1) =>
        TempJournal.NoteAppend(stream, expectedVersion, eventId, count);

    /// <summary>Takes SQLite's write lock from another connection, as another process would.</summary>
    private IDisposable HoldWriteLock()
    {
        var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
        connection.Open();
        var transaction = connection.BeginTransaction(deferred: false);
        return new Releaser(() => { transaction.Rollback(); connection.Dispose(); });
    }

    private sealed class Releaser(Action release) : IDisposable
    {
        private Action? _release = release;
        public void Dispose() { _release?.Invoke(); _release = null; }
    }
}
