using EventStore.Errors;
using EventStore.Journal;
using EventStore.Journal.Sqlite;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Store;

/// <summary>A journal of its own, with the default backup folder (<c>backups</c> beside the journal file); some tests restart it.</summary>
public sealed class BackupCluster : JournalCluster
{
    /// <summary>Where backups land.</summary>
    public string BackupFolder => Path.Combine(Path.GetDirectoryName(DatabasePath)!, "backups");
}

[CollectionDefinition(Name)]
public sealed class BackupCollection : ICollectionFixture<BackupCluster>
{
    public const string Name = "backup";
}

/// <summary>A backup is written only as a new file in the backup folder: never over the journal, its companions or any existing file.</summary>
[Collection(BackupCollection.Name)]
public sealed class BackupSafetyTests(BackupCluster cluster)
{
    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    /// <summary>File names that are not plain file names in the backup folder, and a word the refusal must contain.</summary>
    private static readonly Dictionary<string, (Func<BackupCluster, string> Name, string Problem)> BadNames = new()
    {
        ["absolute_path_elsewhere"] = (_ => Path.Combine(Path.GetTempPath(), $"{Ids.New("elsewhere")}.db"), "plain file name"),
        ["the_journal_by_absolute_path"] = (c => c.DatabasePath, "plain file name"),
        ["the_journal_wal_by_absolute_path"] = (c => c.DatabasePath + "-wal", "plain file name"),
        ["the_journal_through_proc_self_root"] = (c => "/proc/self/root" + c.DatabasePath, "plain file name"),
        ["the_journal_through_its_parent"] = (_ => Path.Combine("..", "events.db"), "plain file name"),
        ["a_sub_folder"] = (_ => Path.Combine("sub", "copy.db"), "plain file name"),
        ["a_backslash"] = (_ => @"sub\copy.db", "plain file name"),
        ["dot_dot"] = (_ => "..", "'..'"),
        ["dot_dot_inside"] = (_ => "copy..db", "'..'"),
        ["dot"] = (_ => ".", "letters, digits"),
        ["hidden"] = (_ => ".copy.db", "letters, digits"),
        ["a_nul"] = (_ => "copy\0.db", "letters, digits"),
        ["a_new_line"] = (_ => "copy\n.db", "letters, digits"),
        ["empty"] = (_ => "", "empty"),
        ["white_space"] = (_ => "  ", "empty"),
        ["too_long"] = (_ => new string('a', 200) + ".db", "over the limit"),
    };

    public static TheoryData<string> BadNameCases => new(BadNames.Keys);

    [Theory]
    [MemberData(nameof(BadNameCases))]
    public async Task A_backup_to_anything_but_a_plain_file_name_is_refused_naming_the_argument_and_writes_nothing(string @case)
    {
        var (name, problem) = BadNames[@case];
        var fileName = name(cluster);
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(2));
        var before = Snapshot();

        var error = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Backup(fileName));

        Assert.Equal("fileName", error.Argument);
        Assert.Contains(problem, error.Problem);
        Assert.Equal(before, Snapshot());
        if (@case == "absolute_path_elsewhere") Assert.False(File.Exists(fileName));
        Assert.Equal(3, (await Store.Append(id, kind, [Note()])).Version);
    }

    [Fact]
    public async Task A_backup_lands_in_the_backup_folder_under_the_given_name_and_reports_its_full_path()
    {
        var name = $"{Ids.New("copy")}.db";
        await Store.Append(Ids.New("ledger"), Kind(), Notes(3));

        var result = await Store.Backup(name);

        var expected = Path.Combine(cluster.BackupFolder, name);
        Assert.Equal(expected, result.Path);
        Assert.Equal(new FileInfo(expected).Length, result.SizeBytes);
        Assert.Equal("ok", RawSql.Text(expected, "PRAGMA integrity_check", readOnly: true));
        Assert.Equal(result.HeadPosition, RawSql.Long(expected, "SELECT MAX(position) FROM events", readOnly: true));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(cluster.BackupFolder).Select(Path.GetFileName),
            e => e!.StartsWith('.') || e.Contains("partial", StringComparison.OrdinalIgnoreCase) || e.EndsWith("-journal"));
    }

    [Fact]
    public async Task A_backup_over_an_existing_file_is_refused_and_the_file_is_untouched()
    {
        var name = $"{Ids.New("existing")}.db";
        Directory.CreateDirectory(cluster.BackupFolder);
        var existing = Path.Combine(cluster.BackupFolder, name);
        await File.WriteAllTextAsync(existing, "an earlier backup");
        var before = Snapshot();

        var error = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Backup(name));

        Assert.Equal("fileName", error.Argument);
        Assert.Contains("already exists", error.Problem);
        Assert.Equal("an earlier backup", await File.ReadAllTextAsync(existing));
        Assert.Equal(before, Snapshot());
    }

    [Fact]
    public async Task A_backup_onto_a_symlink_in_the_backup_folder_that_points_at_the_journal_is_refused_and_appends_after_it_survive_a_restart()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(2));
        Directory.CreateDirectory(cluster.BackupFolder);
        var link = Path.Combine(cluster.BackupFolder, $"{Ids.New("link")}.db");
        var dangling = Path.Combine(cluster.BackupFolder, $"{Ids.New("dangling")}.db");
        File.CreateSymbolicLink(link, cluster.DatabasePath);
        File.CreateSymbolicLink(dangling, Path.Combine(Path.GetDirectoryName(cluster.DatabasePath)!, "not-yet.db"));
        var before = Snapshot();

        var throughLink = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Backup(Path.GetFileName(link)));
        var throughDangling = await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Backup(Path.GetFileName(dangling)));

        Assert.All(new[] { throughLink, throughDangling }, error => Assert.Contains("already exists", error.Problem));
        Assert.Equal(cluster.DatabasePath, new FileInfo(link).LinkTarget);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(cluster.DatabasePath)!, "not-yet.db")));
        Assert.Equal(before, Snapshot());
        await AppendsAfterSurviveARestart(id, kind, versionsBefore: 2);
    }

    [Fact]
    public async Task Backup_tricks_aimed_at_the_live_journal_leave_it_unchanged_and_appends_after_them_survive_a_restart()
    {
        var (id, kind) = (Ids.New("ledger"), Kind());
        await Store.Append(id, kind, Notes(2));
        var backup = await Store.Backup($"{Ids.New("copy")}.db");
        var journalBefore = cluster.Journal.Rows();
        var tricks = new[]
        {
            "/proc/self/root" + cluster.DatabasePath,
            "/proc/self/root" + cluster.DatabasePath.ToUpperInvariant(),
            Path.Combine("..", "events.db"),
            Path.Combine("..", "events.db-wal"),
            cluster.DatabasePath,
        };

        foreach (var trick in tricks) await Assert.ThrowsAsync<InvalidCommandException>(() => Store.Backup(trick));

        Assert.Equal(journalBefore, cluster.Journal.Rows());
        await AppendsAfterSurviveARestart(id, kind, versionsBefore: 2);
        Assert.True(cluster.MaxPosition() > backup.HeadPosition);
        Assert.Equal(backup.HeadPosition, RawSql.Long(backup.Path, "SELECT MAX(position) FROM events", readOnly: true));
    }

    [Fact]
    public async Task Of_concurrent_backups_to_one_name_exactly_one_succeeds_and_no_temporary_file_is_left()
    {
        await Store.Append(Ids.New("ledger"), Kind(), Notes(50));
        var names = Enumerable.Range(0, 4).Select(_ => $"{Ids.New("race")}.db").ToList();

        var outcomes = await Task.WhenAll(names.SelectMany(name => new[] { Outcome(name), Outcome(name) }));

        foreach (var name in names)
        {
            var ofName = outcomes.Where(o => o.Name == name).ToList();
            Assert.Single(ofName, o => o.Result is not null);
            var refused = Assert.Single(ofName, o => o.Error is not null).Error!;
            Assert.Equal("fileName", refused.Argument);
            Assert.Contains("already exists", refused.Problem);
            var path = Path.Combine(cluster.BackupFolder, name);
            Assert.Equal("ok", RawSql.Text(path, "PRAGMA integrity_check", readOnly: true));
            Assert.Equal(ofName.Single(o => o.Result is not null).Result!.HeadPosition, RawSql.Long(path, "SELECT MAX(position) FROM events", readOnly: true));
        }
        var entries = Directory.GetFileSystemEntries(cluster.BackupFolder).Select(Path.GetFileName).ToList();
        Assert.All(names, name => Assert.Single(entries, e => e == name));
        Assert.DoesNotContain(entries, e => e!.StartsWith('.') || e.Contains("partial", StringComparison.OrdinalIgnoreCase) || e.EndsWith("-journal"));

        async Task<(string Name, BackupResult? Result, InvalidCommandException? Error)> Outcome(string name)
        {
            try
            {
                return (name, await Store.Backup(name), null);
            }
            catch (InvalidCommandException error)
            {
                return (name, null, error);
            }
        }
    }

    /// <summary>Appends, restarts the cluster on the same file, and reads every event back: the live journal is still the journal.</summary>
    private async Task AppendsAfterSurviveARestart(string id, string kind, long versionsBefore)
    {
        Assert.Equal(versionsBefore + 2, (await Store.Append(id, kind, Notes(2, "after"))).Version);
        var rows = cluster.Journal.Rows(id);
        await cluster.RestartAsync();
        Assert.Equal(rows, cluster.Journal.Rows(id));
        Assert.Equal(Enumerable.Range(1, (int)versionsBefore + 2).Select(v => (long)v), (await Store.GetEvents(id)).Select(e => e.Version));
        Assert.Equal(versionsBefore + 3, (await Store.Append(id, kind, [Note()])).Version);
        Assert.Equal("ok", RawSql.Text(cluster.DatabasePath, "PRAGMA integrity_check"));
    }

    /// <summary>The journal's rows and the backup folder's entries.</summary>
    private (string Rows, string Files) Snapshot() =>
        (string.Join("\n", cluster.Journal.Rows()),
         Directory.Exists(cluster.BackupFolder) ? string.Join("\n", Directory.GetFileSystemEntries(cluster.BackupFolder).Order()) : "");
}

/// <summary>A journal whose backup folder is the journal's own folder, directly or through a symlink.</summary>
public sealed class JournalFolderBackupCluster(bool throughSymlink) : JournalCluster
{
    /// <summary>The backup folder as configured.</summary>
    public string BackupFolder { get; private set; } = "";

    /// <inheritdoc />
    protected override void ConfigureJournal(JournalOptions options)
    {
        var folder = Path.GetDirectoryName(options.DatabasePath)!;
        BackupFolder = throughSymlink ? folder + "-link" : folder;
        if (throughSymlink && !Directory.Exists(BackupFolder)) Directory.CreateSymbolicLink(BackupFolder, folder);
        options.BackupFolder = BackupFolder;
    }
}

/// <summary>Backups into the journal's own folder: the journal and its companions are out of reach, whatever the case or the path to the folder.</summary>
public sealed class BackupIntoTheJournalFolderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_backup_named_like_the_journal_or_its_companions_is_refused_and_other_names_work(bool throughSymlink)
    {
        var cluster = new JournalFolderBackupCluster(throughSymlink);
        await cluster.InitializeAsync();
        try
        {
            var store = cluster.Client.GetEventStore();
            var (id, kind) = (Ids.New("ledger"), Kind());
            await store.Append(id, kind, Notes(2));
            var rows = cluster.Journal.Rows();
            var files = Directory.GetFileSystemEntries(Path.GetDirectoryName(cluster.DatabasePath)!).Order().ToList();

            foreach (var name in new[] { "events.db", "EVENTS.DB", "Events.db", "events.db-wal", "events.db-shm", "events.db-journal", "events.DB-WAL" })
            {
                var error = await Assert.ThrowsAsync<InvalidCommandException>(() => store.Backup(name));
                Assert.Equal("fileName", error.Argument);
                Assert.Contains("journal", error.Problem);
            }
            Assert.Equal(rows, cluster.Journal.Rows());
            Assert.Equal(files, Directory.GetFileSystemEntries(Path.GetDirectoryName(cluster.DatabasePath)!).Order().ToList());

            var copy = await store.Backup("copy.db");
            Assert.Equal(Path.Combine(cluster.BackupFolder, "copy.db"), copy.Path);
            Assert.Equal("ok", RawSql.Text(copy.Path, "PRAGMA integrity_check", readOnly: true));
            Assert.Equal(3, (await store.Append(id, kind, [Note()])).Version);
            await cluster.RestartAsync();
            Assert.Equal(3, (await cluster.Client.GetEventStore().GetEvents(id)).Count);
        }
        finally
        {
            if (throughSymlink) File.Delete(cluster.BackupFolder); // the link only
            await cluster.DisposeAsync();
        }
    }
}

/// <summary>The backup folder setting is checked when the journal starts.</summary>
public sealed class BackupFolderSettingTests
{
    [Theory]
    [InlineData(" ")]
    [InlineData("")]
    public void An_empty_backup_folder_is_refused_naming_the_setting(string folder)
    {
        var error = Assert.Throws<ArgumentException>(() => new JournalOptions { BackupFolder = folder }.Validate());
        Assert.Contains("EventStore:Journal:BackupFolder", error.Message);
    }

    [Fact]
    public void A_backup_folder_that_is_the_journal_file_is_refused_naming_the_setting()
    {
        var options = new JournalOptions { DatabasePath = Path.Combine("data", "events.db") };
        options.BackupFolder = Path.GetFullPath(options.DatabasePath);
        var error = Assert.Throws<ArgumentException>(() => options.Validate());
        Assert.Contains("EventStore:Journal:BackupFolder", error.Message);
    }
}

/// <summary>
/// The last step of a backup on its own: whatever took the name after the checks (another backup, a file, a link to the
/// journal) is never replaced, and the temporary copy is removed.
/// </summary>
public sealed class BackupPublishTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eventstore-tests", Guid.NewGuid().ToString("N"));

    private string Journal => Path.Combine(_folder, "events.db");

    public BackupPublishTests()
    {
        Directory.CreateDirectory(_folder);
        File.WriteAllText(Journal, "the journal");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Takers => new() { "a file", "a link to the journal", "a dangling link" };

    [Theory]
    [MemberData(nameof(Takers))]
    public void A_name_taken_between_the_checks_and_the_publication_is_not_replaced_and_the_copy_is_removed(string taker)
    {
        var backups = new BackupFolder(null, Journal);
        var destination = backups.Destination("copy.db");
        var temporary = backups.CreateTemporary();
        File.WriteAllText(temporary, "the copy");
        switch (taker)
        {
            case "a file": File.WriteAllText(destination, "someone else's"); break;
            case "a link to the journal": File.CreateSymbolicLink(destination, Journal); break;
            default: File.CreateSymbolicLink(destination, Path.Combine(_folder, "nowhere.db")); break;
        }

        var error = Assert.Throws<InvalidCommandException>(() => backups.Publish(temporary, destination));

        Assert.Equal("fileName", error.Argument);
        Assert.Contains("already exists", error.Problem);
        Assert.False(File.Exists(temporary));
        Assert.Equal("the journal", File.ReadAllText(Journal));
        if (taker == "a file") Assert.Equal("someone else's", File.ReadAllText(destination));
        else Assert.NotNull(new FileInfo(destination).LinkTarget);
        Assert.False(File.Exists(Path.Combine(_folder, "nowhere.db")));
    }

    [Fact]
    public void A_temporary_copy_never_reuses_a_name_and_lives_in_the_backup_folder()
    {
        var backups = new BackupFolder(null, Journal);
        var first = backups.CreateTemporary();
        var second = backups.CreateTemporary();

        Assert.NotEqual(first, second);
        Assert.All(new[] { first, second }, t => Assert.Equal(backups.FullPath, Path.GetDirectoryName(t)));
        Assert.Equal(Path.Combine(_folder, "backups"), backups.FullPath);
    }
}
