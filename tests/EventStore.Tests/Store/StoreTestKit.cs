using EventStore.Events;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace EventStore.Tests.Store;

/// <summary>A payload class that implements <see cref="IDomainEvent"/> but has no [EventType]: the journal must refuse it.</summary>
[GenerateSerializer, Immutable]
public sealed record UnregisteredEvent(string Text) : IDomainEvent;

/// <summary>Helpers shared by the event store tests.</summary>
internal static class StoreTestKit
{
    /// <summary>The type name of <see cref="NoteAdded"/>.</summary>
    public const string NoteType = "test:note";

    /// <summary>One MiB, the default payload limit.</summary>
    public const int MiB = 1024 * 1024;

    /// <summary>A note to append through the store.</summary>
    public static NewEvent Note(string text = "note", long? timestamp = null, string? id = null) =>
        new(new NoteAdded(text)) { Timestamp = timestamp, Id = id };

    /// <summary><paramref name="count"/> notes.</summary>
    public static List<NewEvent> Notes(int count, string text = "note") =>
        Enumerable.Range(1, count).Select(i => Note($"{text} {i}")).ToList();

    /// <summary>A fresh, application-defined aggregate type no other test uses.</summary>
    public static string Kind(string prefix = "kind") => Ids.New(prefix);

    /// <summary>The rows of these aggregates, merged in position order (read with plain SQL).</summary>
    public static List<JournalRow> RowsOf(this JournalCluster cluster, params string[] aggregateIds) =>
        aggregateIds.SelectMany(id => cluster.Journal.Rows(id)).OrderBy(r => r.Position).ToList();

    /// <summary>The highest position in the journal, read with plain SQL (0 if empty).</summary>
    public static long MaxPosition(this JournalCluster cluster) =>
        cluster.Journal.MaxPosition();

    /// <summary>Rows of the snapshots table, read with plain SQL.</summary>
    public static long SnapshotRows(this JournalCluster cluster) =>
        cluster.Journal.SnapshotRows();

    /// <summary>
    /// Rows of the snapshots table for the aggregate types made by <see cref="Kind"/>: only these tests save those, and
    /// they await each save, whereas grains of other tests may still be saving their automatic snapshots in the background.
    /// </summary>
    public static long KindSnapshotRows(this JournalCluster cluster) =>
        cluster.Journal.SnapshotRows("kind-");

    /// <summary>(position, id) of each envelope: enough to compare a result with raw rows.</summary>
    public static List<(long Position, string Id)> Keys(this IEnumerable<EventEnvelope> events) => events.Select(e => (e.Position, e.Id)).ToList();

    /// <summary>(position, id) of each row.</summary>
    public static List<(long Position, string Id)> Keys(this IEnumerable<JournalRow> rows) => rows.Select(r => (r.Position, r.Id)).ToList();

    /// <summary>Size of a file, 0 if it does not exist.</summary>
    public static long FileSize(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}

/// <summary>Plain SQL on a journal file (or a copy of one), independent of the code under test.</summary>
internal static class RawSql
{
    public static SqliteConnection Open(string path, bool readOnly = false)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
        }.ToString());
        connection.Open();
        return connection;
    }

    public static long Long(string path, string sql, bool readOnly = false)
    {
        using var connection = Open(path, readOnly);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public static string Text(string path, string sql, bool readOnly = false)
    {
        using var connection = Open(path, readOnly);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (string)command.ExecuteScalar()!;
    }

    /// <summary>(key, count) pairs of a two-column query.</summary>
    public static Dictionary<string, long> Counts(string path, string sql)
    {
        using var connection = Open(path, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read()) counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>Every row of the events table, in position order, opened read-only.</summary>
    public static List<JournalRow> Rows(string path)
    {
        using var connection = Open(path, readOnly: true);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT position, id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id FROM events ORDER BY position";
        using var reader = command.ExecuteReader();
        var rows = new List<JournalRow>();
        while (reader.Read())
            rows.Add(JournalRow.Read(reader));
        return rows;
    }
}
