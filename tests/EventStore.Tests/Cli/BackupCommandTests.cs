using EventStore.Cli;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Cli;

/// <summary>
/// <c>backup</c> on SQLite: online into the silo's backup folder, offline to a path; each copy opens on its own (<c>stats</c>,
/// <c>events</c> with <c>--journal</c> on it) and holds the journal's events. A backup never replaces a file.
/// </summary>
[Collection(CliSiloCollection.Name)]
public sealed class BackupCommandTests(CliSilo silo)
{
    private async Task<string> AppendAsync()
    {
        var aggregate = Ids.New("backup");
        await silo.Client.GetEventStore().Append(aggregate, "note", [new NewEvent(new NoteAdded("one")), new NewEvent(new NoteAdded("two"))]);
        return aggregate;
    }

    /// <summary>Opens <paramref name="backup"/> with the CLI, as a journal of its own, and checks it holds every event up to its head and <paramref name="aggregate"/>'s events.</summary>
    private async Task AssertHoldsTheJournalAsync(string backup, long head, string aggregate)
    {
        var stats = (await CliRun.RunAsync(["stats", "--journal", backup, "--json"])).ExitsWith(ExitCodes.Success).Json;
        Assert.Equal(head, stats.GetProperty("headPosition").GetInt64());
        Assert.Equal(silo.Rows.Long($"SELECT COUNT(*) FROM events WHERE position <= {head}"), stats.GetProperty("totalEvents").GetInt64());
        var events = (await CliRun.RunAsync(["events", aggregate, "--journal", backup, "--events-assembly", typeof(NoteAdded).Assembly.Location, "--json"]))
            .ExitsWith(ExitCodes.Success).JsonLines;
        Assert.Equal(["one", "two"], events.Select(e => e.GetProperty("payload").GetProperty("text").GetString()));
    }

    [Fact]
    public async Task An_online_backup_is_a_journal_of_its_own_in_the_silos_backup_folder()
    {
        var aggregate = await AppendAsync();
        var name = Ids.New("online") + ".db";

        var backup = (await silo.RunOnline("backup", name, "--json")).ExitsWith(ExitCodes.Success).Json;

        var path = backup.GetProperty("path").GetString()!;
        Assert.Equal(Path.Combine(silo.Folder, "backups", name), path);
        Assert.Equal(new FileInfo(path).Length, backup.GetProperty("sizeBytes").GetInt64());
        await AssertHoldsTheJournalAsync(path, backup.GetProperty("headPosition").GetInt64(), aggregate);
    }

    [Fact]
    public async Task An_offline_backup_is_written_to_the_path_given()
    {
        var aggregate = await AppendAsync();
        var path = Path.Combine(silo.Folder, "offline-copies", Ids.New("offline") + ".db");

        var run = (await silo.RunOffline("backup", path)).ExitsWith(ExitCodes.Success);

        Assert.Contains($"Backed up to {path}", run.Out);
        await AssertHoldsTheJournalAsync(path, silo.Rows.MaxPosition(), aggregate);
    }

    [Fact]
    public async Task A_name_that_is_taken_is_refused_with_exit_code_4_and_the_file_is_left_alone()
    {
        var name = Ids.New("taken") + ".db";
        (await silo.RunOnline("backup", name)).ExitsWith(ExitCodes.Success);
        var path = Path.Combine(silo.Folder, "offline-taken.db");
        await File.WriteAllTextAsync(path, "mine");

        var online = (await silo.RunOnline("backup", name)).ExitsWith(ExitCodes.Refused);
        var offline = (await silo.RunOffline("backup", path)).ExitsWith(ExitCodes.Refused);

        Assert.Contains("already exists", online.Error);
        Assert.Contains("already exists", offline.Error);
        Assert.Equal("mine", await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task An_online_backup_name_with_a_path_is_refused_with_exit_code_4()
    {
        var path = Path.Combine(silo.Folder, Ids.New("escape") + ".db");

        var run = (await silo.RunOnline("backup", path)).ExitsWith(ExitCodes.Refused);

        Assert.Contains("is a path", run.Error);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task An_offline_backup_onto_the_journal_itself_is_refused_with_exit_code_4()
    {
        var run = (await silo.RunOffline("backup", silo.DatabasePath)).ExitsWith(ExitCodes.Refused);

        Assert.Contains("journal's own file", run.Error);
    }
}

/// <summary><c>backup</c> on PostgreSQL: the store refuses, online and offline, and says to use the server's tools.</summary>
[Collection(PostgresCliSiloCollection.Name)]
public sealed class PostgresBackupCommandTests(PostgresCliSilo silo)
{
    [Fact]
    public async Task A_postgres_journal_is_not_backed_up_by_the_cli_exit_code_4_advises_pg_dump()
    {
        var online = (await silo.RunOnline("backup", "copy.db")).ExitsWith(ExitCodes.Refused);
        var offline = (await silo.RunOffline("backup", Path.Combine(silo.Folder, "copy.db"))).ExitsWith(ExitCodes.Refused);

        Assert.Contains("pg_dump", online.Error);
        Assert.Contains("pg_dump", offline.Error);
        Assert.False(File.Exists(Path.Combine(silo.Folder, "copy.db")));
    }
}
