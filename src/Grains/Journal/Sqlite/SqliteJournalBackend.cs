using EventStore.Projections;
using EventStore.Reminders;
using EventStore.Store;
using Microsoft.Data.Sqlite;

namespace EventStore.Journal.Sqlite;

/// <summary>
/// The journal on one SQLite file in WAL mode: one writer connection for the group-commit writer, pooled
/// reader connections beside it, online backups into the backup folder, and checkpoints that never wait.
/// </summary>
internal sealed class SqliteJournalBackend : IJournalBackend
{
    private const int CheckpointAttempts = 5;
    private static readonly TimeSpan CheckpointRetryDelay = TimeSpan.FromMilliseconds(20);
    private readonly SqliteConnectionFactory _connections;
    private readonly BackupFolder _backups;
    private readonly JournalDurability _durability;

    public SqliteJournalBackend(JournalOptions options, EventPayloadSerializer serializer)
    {
        _connections = new SqliteConnectionFactory(options);
        _backups = new BackupFolder(options.BackupFolder, _connections.DatabasePath);
        _durability = options.Durability;
        Reader = new SqliteJournalReader(_connections, new EventRowReader(serializer));
    }

    /// <summary>Absolute path of the database file.</summary>
    public string DatabasePath => _connections.DatabasePath;

    public string Description => $"SQLite {DatabasePath} (durability {_durability})";

    public IJournalReader Reader { get; }

    public void EnsureSchema() => _connections.EnsureSchema();

    public IJournalBatchStore CreateBatchStore() => new SqliteBatchStore(_connections);

    public IReadModelStore CreateReadModelStore() => new SqliteReadModelStore(_connections);

    /// <summary>Size of the database file and its WAL, in bytes.</summary>
    public Task<long> GetSizeBytesAsync() => Task.FromResult(FileSize(DatabasePath) + FileSize(DatabasePath + "-wal"));

    /// <summary>
    /// Copies the database with SQLite's online backup API while writes go on: the copy is the
    /// committed state at one instant, a database that opens on its own (journal mode DELETE). It is
    /// written to a new temporary file in the backup folder and then given <paramref name="fileName"/>
    /// there, only if nothing has that name: a backup never replaces a file, least of all the journal.
    /// </summary>
    public Task<BackupResult> BackupAsync(string fileName) => Task.Run(() =>
    {
        var destination = _backups.Destination(fileName);
        var temporary = _backups.CreateTemporary();
        try
        {
            var head = CopyInto(temporary);
            var size = FileSize(temporary);
            _backups.Publish(temporary, destination);
            return new BackupResult(destination, size, head);
        }
        catch
        {
            BackupFolder.Delete(temporary);
            throw;
        }
    });

    /// <summary>Copies the database into an empty file; returns the last position the copy holds.</summary>
    private long CopyInto(string target)
    {
        using var source = _connections.OpenReader();
        using var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString());
        copy.Open();
        source.BackupDatabase(copy);
        using var command = copy.CreateCommand();
        command.CommandText = SqliteJournalSql.JournalModeDelete;
        command.ExecuteNonQuery();
        command.CommandText = SqliteJournalSql.HeadPosition;
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>
    /// Copies the WAL into the database file and truncates it, never waiting for a lock: a TRUNCATE
    /// checkpoint that waited for readers would hold the write lock meanwhile and make appends fail.
    /// A reader still on the WAL or a commit under way makes it copy what it can, try again a few
    /// times, and report <see cref="CheckpointResult.Busy"/>.
    /// </summary>
    public Task<CheckpointResult> CheckpointAsync() => Task.Run(async () =>
    {
        using var connection = _connections.OpenNoWait();
        for (var attempt = 1; ; attempt++)
        {
            var (_, walFrames, copied) = Checkpoint(connection, SqliteJournalSql.CheckpointPassive);
            var (busy, _, _) = Checkpoint(connection, SqliteJournalSql.CheckpointTruncate);
            if (!busy || attempt == CheckpointAttempts) return new CheckpointResult(busy, walFrames, copied);
            await Task.Delay(CheckpointRetryDelay);
        }
    });

    private static (bool Busy, long WalFrames, long Copied) Checkpoint(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        reader.Read();
        return (reader.GetInt64(0) != 0, reader.GetInt64(1), reader.GetInt64(2));
    }

    private static long FileSize(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;

    // Reminders (memory time to live).

    public IReminderDatabase CreateReminderDatabase() => new SqliteReminderDatabase(_connections);
}
