using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EventStore.Tests.Journal;

/// <summary>The journal's writer on its own, without Orleans, on a real file.</summary>
public sealed class GroupCommitTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "eventstore-tests", $"{Guid.NewGuid():N}.db");
    private readonly SqliteEventJournal _journal;

    public GroupCommitTests()
    {
        _journal = new SqliteEventJournal(Options.Create(new SqliteJournalOptions { DatabasePath = _path, EventAssemblies = { typeof(NoteAdded).Assembly } }), NullLogger<SqliteEventJournal>.Instance);
        _journal.Start();
    }

    public void Dispose()
    {
        _journal.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(_path)!, Path.GetFileName(_path) + "*")) File.Delete(file);
    }

    [Fact]
    public async Task Appends_queued_together_share_one_commit_and_a_bad_one_fails_alone()
    {
        await _journal.AppendAsync(Append("taken", 0, "taken-event"));
        Task<AppendOutcome>[] good;
        Task<AppendOutcome> stale, duplicate;
        long commitsBefore;
        using (await _journal.PauseWriterAsync())
        {
            commitsBefore = _journal.Commits;
            good = Enumerable.Range(0, 20).Select(i => _journal.AppendAsync(Append($"stream-{i}", 0))).ToArray();
            stale = _journal.AppendAsync(Append("taken", 5));
            duplicate = _journal.AppendAsync(Append("other", 0, "taken-event"));
        }

        foreach (var outcome in await Task.WhenAll(good)) Assert.IsType<AppendOutcome.Committed>(outcome);
        Assert.Equal(1, Assert.IsType<AppendOutcome.VersionConflict>(await stale).ActualVersion);
        var error = await Assert.ThrowsAsync<DuplicateEventIdException>(() => duplicate);
        Assert.Contains("version 1 of aggregate 'taken'", error.Message);
        Assert.Equal(1, _journal.Commits - commitsBefore);
        var rows = new JournalFile(_path).Rows();
        Assert.Equal(21, rows.Count);
        JournalAssert.IsConsistent(rows);
    }

    [Fact]
    public async Task Appends_wait_for_a_lock_held_by_another_connection_and_then_commit_together()
    {
        using (var blocker = HoldWriteLock())
        {
            var good = Enumerable.Range(0, 20).Select(i => _journal.AppendAsync(Append($"locked-{i}", 0))).ToList();
            var commitsBefore = _journal.Commits;
            blocker.Dispose();

            foreach (var outcome in await Task.WhenAll(good)) Assert.IsType<AppendOutcome.Committed>(outcome);
            Assert.True(_journal.Commits - commitsBefore < 20, $"{_journal.Commits - commitsBefore} commits for 20 appends: nothing was grouped");
        }
    }

    [Fact]
    public async Task Two_appends_to_one_stream_queued_together_share_one_commit_and_chain_their_versions()
    {
        Task<AppendOutcome> first, second;
        long commitsBefore;
        using (await _journal.PauseWriterAsync())
        {
            commitsBefore = _journal.Commits;
            first = _journal.AppendAsync(Append("chain", 0));
            second = _journal.AppendAsync(Append("chain", 1));
        }

        var committed = new[] { await first, await second }.Cast<AppendOutcome.Committed>().SelectMany(c => c.Events).ToList();
        Assert.Equal(1, _journal.Commits - commitsBefore);
        Assert.Equal([1L, 2L], committed.Select(e => e.Version));
        Assert.True(committed[1].Position > committed[0].Position);
    }

    [Fact]
    public async Task Committed_envelopes_carry_the_positions_and_versions_of_their_rows()
    {
        var outcome = (AppendOutcome.Committed)await _journal.AppendAsync(Append("multi", 0, count: 3));

        var rows = new JournalFile(_path).Rows("multi");
        Assert.Equal(rows.Select(r => (r.Id, r.Version, r.Position)), outcome.Events.Select(e => (e.Id, e.Version, e.Position)));
        var read = await _journal.ReadStreamAsync("multi", afterVersion: 1, toVersion: 2);
        Assert.Equal(2, Assert.Single(read).Version);
    }

    [Fact]
    public async Task Disposing_the_journal_commits_what_is_queued_first()
    {
        var pending = Enumerable.Range(0, 50).Select(i => _journal.AppendAsync(Append($"drain-{i}", 0))).ToList();
        _journal.Dispose();

        foreach (var outcome in await Task.WhenAll(pending)) Assert.IsType<AppendOutcome.Committed>(outcome);
        Assert.Equal(50, new JournalFile(_path).Count());
        await Assert.ThrowsAsync<JournalUnavailableException>(() => _journal.AppendAsync(Append("late", 0)));
    }

    [Fact]
    public void The_schema_has_the_spec_columns_and_constraints()
    {
        using var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
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
        new(stream, "test", expectedVersion, Enumerable.Range(0, count).Select(i =>
        {
            var payload = new NoteAdded($"{stream} {i}");
            var envelope = new EventEnvelope(eventId ?? Guid.NewGuid().ToString(), "test:note", stream, "test", 0, 0, 1, "test", payload, null, null, null);
            return new PendingEvent(envelope, $$"""{"text":"{{payload.Text}}"}""", null);
        }).ToList());

    /// <summary>Takes SQLite's write lock from another connection, as another process would.</summary>
    private IDisposable HoldWriteLock()
    {
        var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
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
