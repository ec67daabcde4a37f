using EventStore.Cli;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Cli;

/// <summary>
/// <c>import</c>'s checks and refusals: the whole export is checked before anything is written, a bad line is named by its
/// number, a target that holds events is refused; and rows of a type the importing process does not know go in as they are.
/// Each test exports the collection's silo (offline) and imports into a fresh journal of the same backend.
/// </summary>
public abstract class ImportCommandTests(CliSilo silo)
{
    [Fact]
    public async Task A_journal_that_holds_events_is_refused_with_exit_code_4_and_nothing_is_written()
    {
        await silo.Client.GetEventStore().Append(Ids.New("import"), "note", [new NewEvent(new NoteAdded("x"))]);
        var lines = await ExportAsync();
        var before = silo.Rows.Count();

        var run = (await silo.RunOffline("import", Write(lines))).ExitsWith(ExitCodes.Refused);

        Assert.Contains("not empty", run.Error);
        Assert.Matches(@"holds [\d,]+ events", run.Error);
        Assert.Equal(before, silo.Rows.Count());
    }

    [Fact]
    public async Task A_truncated_export_is_refused_with_exit_code_1_and_nothing_is_written()
    {
        var lines = await ExportAsync();

        var (run, written) = await ImportAsync(lines[..^1]);

        run.ExitsWith(ExitCodes.Failed);
        Assert.Contains("truncated", run.Error);
        Assert.Contains($"line {lines.Length - 1:N0}", run.Error);
        Assert.Equal(0, written);
    }

    [Fact]
    public async Task A_corrupted_line_is_named_by_its_number_with_exit_code_1_and_nothing_is_written()
    {
        var lines = await ExportAsync();
        lines[2] = lines[2][..(lines[2].Length / 2)];

        var (run, written) = await ImportAsync(lines);

        run.ExitsWith(ExitCodes.Failed);
        Assert.Contains("line 3 ", run.Error);
        Assert.Contains("not JSON", run.Error);
        Assert.Equal(0, written);
    }

    [Fact]
    public async Task A_version_gap_in_a_stream_is_named_by_its_line_with_exit_code_1_and_nothing_is_written()
    {
        var aggregate = Ids.New("gap");
        await silo.Client.GetEventStore().Append(aggregate, "note", [new NewEvent(new NoteAdded("1")), new NewEvent(new NoteAdded("2")), new NewEvent(new NoteAdded("3"))]);
        var lines = (await ExportAsync()).ToList();
        var second = lines.FindIndex(l => l.Contains(aggregate, StringComparison.Ordinal) && l.Contains("\"version\":2", StringComparison.Ordinal));
        lines.RemoveAt(second);
        lines[^1] = lines[^1].Replace($"\"events\":{CountEvents(lines) + 1}", $"\"events\":{CountEvents(lines)}", StringComparison.Ordinal);

        var (run, written) = await ImportAsync([.. lines]);

        run.ExitsWith(ExitCodes.Failed);
        Assert.Contains($"line {second + 1} ", run.Error);
        Assert.Contains("version 3", run.Error);
        Assert.Equal(0, written);
    }

    [Fact]
    public async Task An_end_line_that_counts_otherwise_is_refused_with_exit_code_1()
    {
        var lines = await ExportAsync();
        lines[^1] = lines[^1].Replace("\"events\":", "\"events\":1", StringComparison.Ordinal);

        var (run, written) = await ImportAsync(lines);

        run.ExitsWith(ExitCodes.Failed);
        Assert.Contains($"line {lines.Length} ", run.Error);
        Assert.Equal(0, written);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("{\"kind\":\"header\",\"format\":\"something-else\",\"version\":1,\"source\":\"x\",\"fromPosition\":0,\"headPosition\":0}")]
    [InlineData("{\"kind\":\"header\",\"format\":\"agents-event-store/journal-export\",\"version\":99,\"source\":\"x\",\"fromPosition\":0,\"headPosition\":0}")]
    public async Task Input_that_is_not_an_export_is_refused_with_exit_code_2(string content)
    {
        var (run, written) = await ImportAsync(content.Length == 0 ? [] : [content]);

        run.ExitsWith(ExitCodes.BadArguments);
        Assert.Contains(content.Contains("99", StringComparison.Ordinal) ? "version 99" : "not a journal export", run.Error);
        Assert.Equal(0, written);
    }

    [Fact]
    public async Task Rows_of_types_the_importing_process_does_not_know_are_imported_as_they_are()
    {
        var aggregate = Ids.New("unknown");
        silo.Rows.InsertOutside(aggregate, "future", 1, "test:from-the-future", """{"shape":"unknown here","n":1}""");
        var lines = await ExportAsync();
        await using var target = await MigrationTarget.CreateAsync(silo.Provider);

        // Without --events-assembly: the test event types (test:note and others) are unknown to the import too.
        var run = (await CliRun.RunAsync(["import", Write(lines), .. target.Options[..2], "--json"])).ExitsWith(ExitCodes.Success);

        Assert.True(run.Json.GetProperty("positionsKept").GetBoolean());
        var imported = RawRows.Events(target.Provider, target.Location, long.MaxValue);
        Assert.Equal(RawRows.Events(silo.Provider, Location, LastPosition(lines)), imported);
        Assert.Contains(imported, row => row.Contains("test:from-the-future", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Import_into_a_running_cluster_is_refused_with_exit_code_2()
    {
        var run = (await silo.RunOnline("import", Write(await ExportAsync()))).ExitsWith(ExitCodes.BadArguments);

        Assert.Contains("--journal", run.Error);
    }

    [Fact]
    public async Task A_file_that_is_not_there_is_refused_with_exit_code_2()
    {
        await using var target = await MigrationTarget.CreateAsync(silo.Provider);
        var missing = Path.Combine(silo.Folder, "missing.jsonl");

        var run = (await CliRun.RunAsync(["import", missing, .. target.Options])).ExitsWith(ExitCodes.BadArguments);

        Assert.Contains(missing, run.Error);
    }

    private string Location => silo.Provider == JournalProvider.Postgres ? silo.ConnectionString! : silo.DatabasePath;

    /// <summary>The silo's journal exported offline, as lines.</summary>
    private async Task<string[]> ExportAsync()
    {
        var file = Path.Combine(silo.Folder, Ids.New("export") + ".jsonl");
        (await silo.RunOffline("export", "--out", file)).ExitsWith(ExitCodes.Success);
        return File.ReadAllLines(file);
    }

    private string Write(IEnumerable<string> lines)
    {
        var file = Path.Combine(silo.Folder, Ids.New("import") + ".jsonl");
        File.WriteAllText(file, string.Concat(lines.Select(l => l + "\n")));
        return file;
    }

    /// <summary>Imports <paramref name="lines"/> into a fresh journal; the run and the events the target holds after it.</summary>
    private async Task<(CliRun Run, long Written)> ImportAsync(string[] lines)
    {
        await using var target = await MigrationTarget.CreateAsync(silo.Provider);
        var run = await CliRun.RunAsync(["import", Write(lines), .. target.Options]);
        var written = target.Provider == JournalProvider.Sqlite && !File.Exists(target.Location)
            ? 0
            : RawRows.Events(target.Provider, target.Location, long.MaxValue).Count;
        return (run, written);
    }

    private static long CountEvents(IEnumerable<string> lines) => lines.Count(l => l.StartsWith("{\"kind\":\"event\"", StringComparison.Ordinal));

    private static long LastPosition(string[] lines) =>
        System.Text.Json.JsonDocument.Parse(lines.Last(l => l.StartsWith("{\"kind\":\"event\"", StringComparison.Ordinal))).RootElement.GetProperty("position").GetInt64();
}

[Collection(CliOutsideRowsCollection.Name)]
public sealed class ImportCommandTests_Sqlite(CliSilo silo) : ImportCommandTests(silo);

[Collection(PostgresCliOutsideRowsCollection.Name)]
public sealed class ImportCommandTests_Postgres(PostgresCliSilo silo) : ImportCommandTests(silo);
