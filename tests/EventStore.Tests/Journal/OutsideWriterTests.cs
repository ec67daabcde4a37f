using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Tests.Infrastructure;
using EventStore.Journal;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EventStore.Tests.Journal;

/// <summary>Another process writing the same stream: the grain must catch up and never fork the stream.</summary>
public abstract class OutsideWriterTests(JournalCluster cluster)
{
    [Fact]
    public async Task An_active_grain_catches_up_with_an_outside_row_and_appends_after_it()
    {
        var id = Ids.New("agent");
        var agent = cluster.Client.GetGrain<IAgentGrain>(id);
        await agent.Spawn("coder", AgentDomain.Core, []);
        cluster.Journal.InsertOutside(id, "agent", 2, "agent:status-changed",
            $$"""{"agentId":"{{id}}","previousStatus":"idle","newStatus":"blocked"}""");

        var receipt = await agent.Start();

        Assert.Equal(3, receipt.Version);
        var state = await agent.GetState();
        Assert.Equal((3L, AgentLifecycle.Running, AgentStatus.Active), (state.Version, state.Lifecycle, state.Status));
        var rows = cluster.Journal.Rows(id);
        JournalAssert.IsConsistent(rows, [receipt]);
        Assert.Equal(["agent:spawned", "agent:status-changed", "agent:started"], rows.Select(r => r.Type));
    }

    [Fact]
    public async Task A_command_made_impossible_by_an_outside_row_is_refused_after_catching_up()
    {
        var id = Ids.New("agent");
        var agent = cluster.Client.GetGrain<IAgentGrain>(id);
        await agent.Spawn("coder", AgentDomain.Core, []);
        cluster.Journal.InsertOutside(id, "agent", 2, "agent:started", $$"""{"agentId":"{{id}}","startedAt":"2026-11-27T00:00:00+00:00"}""");

        var error = await Assert.ThrowsAsync<InvalidTransitionException>(() => agent.Start());

        Assert.Contains("already running", error.Message);
        Assert.Equal(2, cluster.Journal.Count(id));
    }

    [Fact]
    public async Task A_conditional_raise_loses_to_an_outside_row_and_the_grain_sees_that_row()
    {
        var id = Ids.New("note");
        var grain = cluster.Client.GetGrain<INoteGrain>(id);
        await grain.Raise(new NoteAdded("first"));
        cluster.Journal.InsertOutside(id, "note", 2, "test:note", """{"text":"outside"}""");

        Assert.False(await grain.TryRaise(new NoteAdded("stale")));
        Assert.Equal(2, await grain.GetVersion());
        Assert.True(await grain.TryRaise(new NoteAdded("fresh")));

        var rows = cluster.Journal.Rows(id);
        JournalAssert.IsConsistent(rows);
        Assert.Equal(["first", "outside", "fresh"], rows.Select(r => System.Text.Json.JsonDocument.Parse(r.Payload).RootElement.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task The_database_itself_refuses_a_second_row_with_a_taken_version()
    {
        var id = Ids.New("note");
        await cluster.Client.GetGrain<INoteGrain>(id).Raise(new NoteAdded("mine"));

        var insert = () => cluster.Journal.InsertOutside(id, "note", 1, "test:note", """{"text":"fork"}""");

        if (cluster.Provider == JournalProvider.Postgres)
            Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.Throws<PostgresException>(insert).SqlState); // UNIQUE(aggregate_id, version)
        else
            Assert.Equal(19, Assert.Throws<SqliteException>(insert).SqliteErrorCode); // SQLITE_CONSTRAINT: UNIQUE(aggregate_id, version)
        Assert.Equal(1, cluster.Journal.Count(id));
    }

    [Fact]
    public async Task An_aggregate_id_belongs_to_one_aggregate_type()
    {
        var id = Ids.New("shared");
        await cluster.Client.GetGrain<IAgentGrain>(id).Spawn("coder", AgentDomain.Core, []);

        var error = await Assert.ThrowsAsync<InvalidCommandException>(() =>
            cluster.Client.GetGrain<ITaskGrain>(id).Create("build", "t", "", TaskPriority.Low, []));

        Assert.Contains("agent stream", error.Message);
        Assert.Equal(1, cluster.Journal.Count(id));
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class OutsideWriterTests_Sqlite(JournalCluster cluster) : OutsideWriterTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class OutsideWriterTests_Postgres(PostgresJournalCluster cluster) : OutsideWriterTests(cluster);
