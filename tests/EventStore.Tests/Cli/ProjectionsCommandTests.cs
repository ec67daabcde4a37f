using EventStore.Cli;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Cli;

/// <summary><c>projections status</c> and <c>projections rebuild</c> on the built-in projections, through <see cref="IProjectionAdminGrain"/>.</summary>
public abstract class ProjectionsCommandTests(CliSilo silo)
{
    private static readonly string[] BuiltIn = ["agent_state", "task_history", "memory_index"];

    private long ActiveGeneration(string projection) =>
        silo.Rows.Long($"SELECT generation FROM projection_generations WHERE projection = '{projection}' AND active = TRUE") ?? 0;

    [Fact]
    public async Task Status_lists_every_registered_projection_with_its_checkpoint_and_the_head()
    {
        var json = (await silo.RunOnline("projections", "status", "--json")).ExitsWith(ExitCodes.Success).Json;

        var statuses = json.GetProperty("projections").EnumerateArray().ToList();
        Assert.Equal(BuiltIn, statuses.Select(s => s.GetProperty("projection").GetString()));
        var head = silo.Rows.MaxPosition();
        Assert.All(statuses, s =>
        {
            Assert.InRange(s.GetProperty("headPosition").GetInt64(), 0, head);
            Assert.InRange(s.GetProperty("checkpoint").GetInt64(), 0, s.GetProperty("headPosition").GetInt64());
            Assert.Equal(s.GetProperty("headPosition").GetInt64() - s.GetProperty("checkpoint").GetInt64(), s.GetProperty("lagEvents").GetInt64());
        });
    }

    [Fact]
    public async Task Status_prints_a_table_for_people()
    {
        var run = (await silo.RunOnline("projections", "status")).ExitsWith(ExitCodes.Success);

        foreach (var name in BuiltIn) Assert.Contains(name, run.Out);
        Assert.Contains("lag (events)", run.Out);
    }

    [Fact]
    public async Task Rebuild_with_wait_returns_once_the_new_tables_replaced_the_old_ones()
    {
        (await silo.RunOnline("projections", "status")).ExitsWith(ExitCodes.Success); // every projector is active: its first generation exists
        var before = ActiveGeneration("task_history");
        var head = silo.Rows.MaxPosition();

        var status = (await silo.RunOnline("projections", "rebuild", "task_history", "--wait", "--json")).ExitsWith(ExitCodes.Success).Json;

        Assert.Equal("task_history", status.GetProperty("projection").GetString());
        Assert.False(status.GetProperty("isRebuilding").GetBoolean());
        Assert.False(status.TryGetProperty("rebuildCheckpoint", out _));
        Assert.True(status.GetProperty("checkpoint").GetInt64() >= head);
        Assert.True(ActiveGeneration("task_history") > before, $"generation {before} is still the active one");
    }

    [Fact]
    public async Task Rebuild_without_wait_starts_it_and_the_admin_grains_catch_up_finishes_it()
    {
        (await silo.RunOnline("projections", "status")).ExitsWith(ExitCodes.Success);
        var before = ActiveGeneration("memory_index");

        var started = (await silo.RunOnline("projections", "rebuild", "memory_index", "--json")).ExitsWith(ExitCodes.Success).Json;
        var after = await silo.Client.GetProjectionAdmin().CatchUp("memory_index");

        Assert.Equal("memory_index", started.GetProperty("projection").GetString());
        Assert.False(after.IsRebuilding);
        Assert.Equal(after.HeadPosition, after.Checkpoint);
        Assert.True(ActiveGeneration("memory_index") > before, $"generation {before} is still the active one");
    }

    [Fact]
    public async Task An_unknown_projection_is_refused_with_exit_code_4_naming_it_and_the_known_ones()
    {
        var run = (await silo.RunOnline("projections", "rebuild", "no_such_projection", "--wait")).ExitsWith(ExitCodes.Refused);

        Assert.Contains("'no_such_projection'", run.Error);
        foreach (var name in BuiltIn) Assert.Contains(name, run.Error);
        Assert.Empty(run.Out);
    }

    [Theory]
    [InlineData("status")]
    [InlineData("rebuild", "agent_state")]
    public async Task Projections_need_a_running_silo_exit_code_2_offline(params string[] args)
    {
        var run = (await silo.RunOffline(["projections", .. args])).ExitsWith(ExitCodes.BadArguments);

        Assert.Contains("needs a running silo", run.Error);
    }
}

[Collection(CliSiloCollection.Name)]
public sealed class ProjectionsCommandTests_Sqlite(CliSilo silo) : ProjectionsCommandTests(silo);

[Collection(PostgresCliSiloCollection.Name)]
public sealed class ProjectionsCommandTests_Postgres(PostgresCliSilo silo) : ProjectionsCommandTests(silo);
