using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace EventStore.Tests.Reliability;

/// <summary>A journal file made by schema 1 (no <c>request</c> column) opens, gains the column, and keeps its events' idempotency.</summary>
public sealed class SchemaUpgradeTests
{
    [Fact]
    public async Task A_schema_1_journal_gains_the_request_column_and_commands_keep_their_idempotency()
    {
        var path = ReliabilityCluster.NewDatabasePath();
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE events (
                    position INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, type TEXT NOT NULL, aggregate_id TEXT NOT NULL,
                    aggregate_type TEXT NOT NULL, version INTEGER NOT NULL CHECK (version > 0), timestamp INTEGER NOT NULL, source TEXT NOT NULL,
                    payload TEXT NOT NULL, metadata TEXT, causation_id TEXT, correlation_id TEXT, UNIQUE (aggregate_id, version));
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }
        try
        {
            await using var cluster = await ReliabilityCluster.StartAsync(path);
            var id = Ids.New("memory");
            var memory = cluster.Client.GetGrain<IMemoryNamespaceGrain>(id);
            var context = new CommandContext { EventId = Ids.New("event") };

            var first = await memory.Store("k", "embedding", 10, context: context);

            Assert.Equal(first, await memory.Store("k", "embedding", 10, context: context));
            await Assert.ThrowsAsync<DuplicateEventIdException>(() => memory.Store("k", "embedding", 11, context: context));
            Assert.Single(cluster.Journal.Rows(id));
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
        }
    }
}
