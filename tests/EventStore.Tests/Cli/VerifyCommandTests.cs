using EventStore.Cli;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Cli;

/// <summary><c>verify</c> on a real silo's journal, offline: a sound journal passes, also while the silo keeps writing; online it says to go offline.</summary>
public abstract class VerifyCommandTests(CliSilo silo)
{
    [Fact]
    public async Task A_journal_after_a_real_workload_passes_every_check()
    {
        var store = silo.Client.GetEventStore();
        for (var i = 0; i < 5; i++)
        {
            var stream = Ids.New("verify");
            await store.Append(stream, "note", [new NewEvent(new NoteAdded("one")), new NewEvent(new NoteAdded("two"))]);
            await store.Append(stream, "note", [new NewEvent(new NoteAdded("three"))]);
            await store.SaveSnapshot(new Snapshot(stream, "note", 3, "{}", 0));
        }

        var run = (await silo.RunOffline("verify", "--json")).ExitsWith(ExitCodes.Success);

        Assert.Empty(run.Failing());
        Assert.True(run.Json.GetProperty("ok").GetBoolean());
        Assert.Equal(silo.Rows.MaxPosition(), run.Json.GetProperty("headPosition").GetInt64());
        foreach (var name in new[] { "positions", "streams", "readable", "counters", "snapshots", "projection:agent_state", "projection:verify_notes" })
            Assert.True(run.Check(name).Ok(), name);
    }

    [Fact]
    public async Task A_journal_passes_while_the_silo_keeps_writing_to_it()
    {
        var store = silo.Client.GetEventStore();
        using var stop = new CancellationTokenSource();
        var writing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(async () =>
        {
            var stream = Ids.New("verify-live");
            for (var i = 1; !stop.IsCancellationRequested; i++)
            {
                await store.Append(stream, "note", [new NewEvent(new NoteAdded($"n{i}"))]);
                if (i == 5) writing.TrySetResult();
            }
        });
        try
        {
            await Task.WhenAny(writing.Task, writer); // the silo is writing (or the writer failed: awaited below)
            var run = (await silo.RunOffline("verify", "--json")).ExitsWith(ExitCodes.Success);
            Assert.Empty(run.Failing());
        }
        finally
        {
            await stop.CancelAsync();
            await writer;
        }
    }

    [Fact]
    public async Task Verify_prints_a_table_of_checks_for_people()
    {
        var run = (await silo.RunOffline("verify")).ExitsWith(ExitCodes.Success);

        Assert.Contains("positions", run.Out);
        Assert.Contains("counters", run.Out);
        Assert.Contains("The journal is sound", run.Out);
        Assert.Empty(run.Error);
    }

    [Fact]
    public async Task Verify_against_a_cluster_exits_with_code_2_and_names_the_offline_options()
    {
        var run = (await silo.RunOnline("verify")).ExitsWith(ExitCodes.BadArguments);

        Assert.Contains("--journal", run.Error);
        Assert.Contains("--postgres", run.Error);
        Assert.Empty(run.Out);
    }

    [Fact]
    public async Task Verify_of_a_journal_file_that_is_not_there_exits_with_code_3()
    {
        var missing = Path.Combine(silo.Folder, "missing.db");

        var run = (await CliRun.RunAsync(["verify", "--journal", missing])).ExitsWith(ExitCodes.Unreachable);

        Assert.Contains(missing, run.Error);
        Assert.False(File.Exists(missing));
    }
}

[Collection(CliSiloCollection.Name)]
public sealed class VerifyCommandTests_Sqlite(CliSilo silo) : VerifyCommandTests(silo);

[Collection(PostgresCliSiloCollection.Name)]
public sealed class VerifyCommandTests_Postgres(PostgresCliSilo silo) : VerifyCommandTests(silo);
