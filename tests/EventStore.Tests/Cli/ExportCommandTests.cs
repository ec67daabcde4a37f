using System.Text.Json;
using EventStore.Admin;
using EventStore.Cli;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Cli;

/// <summary><c>export</c>: the file's shape (header, a line per row as stored, end line), to a file or to standard output, and where it refuses.</summary>
public abstract class ExportCommandTests(CliSilo silo)
{
    [Fact]
    public async Task Export_writes_a_header_every_row_as_stored_and_an_end_line_that_counts_them()
    {
        var aggregate = Ids.New("export");
        await silo.Client.GetEventStore().Append(aggregate, "note", [new NewEvent(new NoteAdded("one")), new NewEvent(new NoteAdded("two"))]);
        var file = Path.Combine(silo.Folder, Ids.New("export") + ".jsonl");

        var summary = (await silo.RunOffline("export", "--out", file, "--json")).ExitsWith(ExitCodes.Success).Json;

        var lines = File.ReadAllLines(file).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        var header = lines[0];
        Assert.Equal("header", header.GetProperty("kind").GetString());
        Assert.Equal(JournalExportFormat.Name, header.GetProperty("format").GetString());
        Assert.Equal(JournalExportFormat.Version, header.GetProperty("version").GetInt32());
        var events = lines.Where(l => l.GetProperty("kind").GetString() == "event").ToList();
        Assert.Equal(events.Count, lines[^1].GetProperty("events").GetInt64());
        Assert.Equal("end", lines[^1].GetProperty("kind").GetString());
        Assert.Equal(events.Count, summary.GetProperty("events").GetInt64());
        Assert.Equal(new FileInfo(file).Length, summary.GetProperty("bytes").GetInt64());
        Assert.True(events.Count >= silo.Rows.Count(aggregate));
        var rows = silo.Rows.Rows(aggregate);
        var exported = events.Where(e => e.GetProperty("aggregateId").GetString() == aggregate).ToList();
        Assert.Equal(rows.Select(r => (r.Position, r.Id, r.Version, r.Payload)),
            exported.Select(e => (e.GetProperty("position").GetInt64(), e.GetProperty("id").GetString()!, e.GetProperty("version").GetInt64(), e.GetProperty("payload").GetRawText())));
        Assert.False(File.Exists(file + ".partial"));
    }

    [Fact]
    public async Task Export_to_standard_output_writes_only_the_lines_there_and_its_summary_to_standard_error()
    {
        await silo.Client.GetEventStore().Append(Ids.New("export"), "note", [new NewEvent(new NoteAdded("stdout"))]);

        var run = (await silo.RunOffline("export")).ExitsWith(ExitCodes.Success);

        var lines = run.JsonLines;
        Assert.Equal("header", lines[0].GetProperty("kind").GetString());
        Assert.Equal("end", lines[^1].GetProperty("kind").GetString());
        Assert.Contains("Exported", run.Error);
    }

    [Fact]
    public async Task Export_from_a_position_starts_there()
    {
        var aggregate = Ids.New("export");
        await silo.Client.GetEventStore().Append(aggregate, "note", [new NewEvent(new NoteAdded("a")), new NewEvent(new NoteAdded("b"))]);
        var second = silo.Rows.Rows(aggregate)[1].Position;

        var lines = (await silo.RunOffline("export", "--from-position", second.ToString(System.Globalization.CultureInfo.InvariantCulture))).ExitsWith(ExitCodes.Success).JsonLines;

        var positions = lines.Where(l => l.GetProperty("kind").GetString() == "event").Select(l => l.GetProperty("position").GetInt64()).ToList();
        Assert.Equal(second, positions[0]);
        Assert.Equal(second, lines[0].GetProperty("fromPosition").GetInt64());
    }

    [Fact]
    public async Task A_stored_payload_that_is_not_one_line_of_json_is_exported_as_text_and_kept_exactly()
    {
        var aggregate = Ids.New("export");
        silo.Rows.InsertOutside(aggregate, "note", 1, "test:note", "{\r\n  \"text\": \"pretty\"\r\n}");
        silo.Rows.InsertOutside(aggregate, "note", 2, "test:note", "not json at all");

        var lines = (await silo.RunOffline("export")).ExitsWith(ExitCodes.Success).JsonLines;

        var mine = lines.Where(l => l.TryGetProperty("aggregateId", out var id) && id.GetString() == aggregate).ToList();
        Assert.Equal("{\r\n  \"text\": \"pretty\"\r\n}", mine[0].GetProperty("payloadText").GetString());
        Assert.Equal("not json at all", mine[1].GetProperty("payloadText").GetString());
        Assert.False(mine[0].TryGetProperty("payload", out _));
    }

    [Fact]
    public async Task Export_against_a_running_cluster_is_refused_with_exit_code_2()
    {
        var run = (await silo.RunOnline("export")).ExitsWith(ExitCodes.BadArguments);

        Assert.Contains("--journal", run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task A_negative_position_is_refused_with_exit_code_2()
    {
        var run = (await silo.RunOffline("export", "--from-position", "-1")).ExitsWith(ExitCodes.BadArguments);

        Assert.Contains("--from-position", run.Error);
    }
}

[Collection(CliOutsideRowsCollection.Name)]
public sealed class ExportCommandTests_Sqlite(CliSilo silo) : ExportCommandTests(silo);

[Collection(PostgresCliOutsideRowsCollection.Name)]
public sealed class ExportCommandTests_Postgres(PostgresCliSilo silo) : ExportCommandTests(silo);
