using EventStore.Journal;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Upcasting;

/// <summary>A journal of schema 4 (no <c>schema_version</c> column) opens as schema 5: its rows read as version 1 and are upcast; new rows store their version.</summary>
public abstract class SchemaFiveUpgradeTests
{
    /// <summary>A cluster of its own: the test takes the journal back to schema 4 and restarts on it.</summary>
    protected abstract JournalCluster NewCluster();

    [Fact]
    public async Task A_schema_4_journal_gains_the_schema_version_column_and_its_rows_are_read_as_version_1()
    {
        var cluster = NewCluster();
        await cluster.InitializeAsync();
        try
        {
            var id = Ids.New("note");
            var rows = cluster.Journal;
            rows.Execute("ALTER TABLE events DROP COLUMN schema_version");
            rows.Execute(rows.Provider == JournalProvider.Postgres ? "UPDATE journal_schema SET version = 4" : "PRAGMA user_version = 4");
            rows.InsertOutside(id, "note", 1, "test:upcast-task", $$"""{"taskId":"{{id}}","note":"from schema 4"}""");

            await cluster.RestartAsync();
            var grain = cluster.Client.GetGrain<INoteGrain>(id);
            await grain.Raise(new UpcastTaskNoted(id, "from schema 5", 1));

            Assert.Equal(5, rows.Long(rows.Provider == JournalProvider.Postgres ? "SELECT version FROM journal_schema" : "PRAGMA user_version"));
            Assert.Equal([new UpcastTaskNoted(id, "from schema 4", 3), new UpcastTaskNoted(id, "from schema 5", 1)], (await grain.GetApplied()).Select(e => e.Payload));
            Assert.Equal([1L, 3L], rows.Rows(id).Select(r => OldRows.SchemaVersion(rows, r.Id)!.Value));
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }
}

public sealed class SchemaFiveUpgradeTests_Sqlite : SchemaFiveUpgradeTests
{
    /// <inheritdoc />
    protected override JournalCluster NewCluster() => new();
}

public sealed class SchemaFiveUpgradeTests_Postgres : SchemaFiveUpgradeTests
{
    /// <inheritdoc />
    protected override JournalCluster NewCluster() => new PostgresJournalCluster();
}
