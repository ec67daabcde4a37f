using EventStore.Cli;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Cli;

/// <summary><c>stats</c>, online and offline, against the journal's own counts; and how the CLI reports where the store is not.</summary>
public abstract class StatsCommandTests(CliSilo silo)
{
    [Fact]
    public async Task Stats_reports_the_journals_counts_online_and_offline_alike()
    {
        var aggregate = Ids.New("stats");
        await silo.Client.GetEventStore().Append(aggregate, "note", [new NewEvent(new NoteAdded("one")), new NewEvent(new NoteAdded("two"))]);

        var online = (await silo.RunOnline("stats", "--json")).ExitsWith(ExitCodes.Success).Json;
        var offline = (await silo.RunOffline("stats", "--json")).ExitsWith(ExitCodes.Success).Json;

        var rows = silo.Rows;
        foreach (var stats in new[] { online, offline })
        {
            Assert.Equal(rows.Count(), stats.GetProperty("totalEvents").GetInt64());
            Assert.Equal(rows.Long("SELECT MAX(position) FROM events"), stats.GetProperty("headPosition").GetInt64());
            Assert.Equal(rows.Long("SELECT COUNT(*) FROM events WHERE type = 'test:note'"), stats.GetProperty("eventsByType").GetProperty("test:note").GetInt64());
            Assert.Equal(rows.Long("SELECT COUNT(DISTINCT aggregate_id) FROM events"), stats.GetProperty("aggregateCount").GetInt64());
        }
    }

    [Fact]
    public async Task Stats_prints_a_table_for_people()
    {
        await silo.Client.GetEventStore().Append(Ids.New("stats"), "note", [new NewEvent(new NoteAdded("x"))]);

        var run = (await silo.RunOnline("stats")).ExitsWith(ExitCodes.Success);

        Assert.Contains("events", run.Out);
        Assert.Contains("test:note", run.Out);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task A_silo_that_is_not_there_is_reported_with_exit_code_3()
    {
        var run = (await CliRun.RunAsync(["stats", "--gateway", "127.0.0.1:1", "--cluster-id", "nobody"])).ExitsWith(ExitCodes.Unreachable);

        Assert.Contains("cannot reach the silo gateway", run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task A_journal_file_that_is_not_there_is_reported_with_exit_code_3_and_not_created()
    {
        var missing = Path.Combine(silo.Folder, "missing.db");

        var run = (await CliRun.RunAsync(["stats", "--journal", missing])).ExitsWith(ExitCodes.Unreachable);

        Assert.Contains(missing, run.Error);
        Assert.False(File.Exists(missing));
    }

    [Theory]
    [InlineData("stats", "--journal", "a.db", "--postgres", "Host=x;Database=y")]
    [InlineData("stats", "--journal", "a.db", "--gateway", "127.0.0.1:30000")]
    [InlineData("stats", "--gateway", "nowhere")]
    [InlineData("stats", "--events-assembly", "x.dll")]
    [InlineData("stats", "--no-such-option")]
    [InlineData("no-such-command")]
    public async Task Options_that_cannot_work_exit_with_code_2_and_say_why(params string[] args)
    {
        var run = (await CliRun.RunAsync(args)).ExitsWith(ExitCodes.BadArguments);

        Assert.NotEmpty(run.Error);
    }
}

[Collection(CliSiloCollection.Name)]
public sealed class StatsCommandTests_Sqlite(CliSilo silo) : StatsCommandTests(silo);

[Collection(PostgresCliSiloCollection.Name)]
public sealed class StatsCommandTests_Postgres(PostgresCliSilo silo) : StatsCommandTests(silo);
