using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Events;
using EventStore.Journal;
using EventStore.LogConsistency;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace EventStore.Tests.Journal;

/// <summary>A cluster of its own, since these tests stop and restart it.</summary>
public class RestartCluster : JournalCluster;

/// <summary>A <see cref="RestartCluster"/> on PostgreSQL.</summary>
public sealed class PostgresRestartCluster : RestartCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

[CollectionDefinition(Name)]
public sealed class RestartCollection : ICollectionFixture<RestartCluster>
{
    public const string Name = "restart";
}

[CollectionDefinition(Name)]
public sealed class PostgresRestartCollection : ICollectionFixture<PostgresRestartCluster>
{
    public const string Name = "restart-postgres";
}

public abstract class RestartTests(RestartCluster cluster)
{
    [Fact]
    public async Task A_full_cluster_restart_on_the_same_file_keeps_every_event_and_every_state()
    {
        var (agentId, taskId, swarmId, memoryId) = (Ids.New("agent"), Ids.New("task"), Ids.New("swarm"), Ids.New("memory"));
        var client = cluster.Client;
        await client.GetGrain<IAgentGrain>(agentId).Spawn("tester", AgentDomain.Quality, ["xunit"]);
        await client.GetGrain<IAgentGrain>(agentId).Start();
        await client.GetGrain<IAgentGrain>(agentId).AssignTask(taskId);
        await client.GetGrain<ITaskGrain>(taskId).Create("test", "Write tests", "all of them", TaskPriority.High, []);
        await client.GetGrain<ITaskGrain>(taskId).Start(agentId);
        await client.GetGrain<ISwarmGrain>(swarmId).Initialize("star", 4, new Dictionary<string, string> { ["k"] = "v" });
        await client.GetGrain<ISwarmGrain>(swarmId).Scale(3, "warm-up");
        await client.GetGrain<IMemoryNamespaceGrain>(memoryId).Store("plan", "document", 512);
        await client.GetGrain<IMemoryNamespaceGrain>(memoryId).Retrieve("plan");
        var before = await Snapshot(agentId, taskId, swarmId, memoryId);
        var rowsBefore = cluster.Journal.Rows();

        await cluster.RestartAsync();

        Assert.Equal(rowsBefore, cluster.Journal.Rows());
        Assert.Equal(before, await Snapshot(agentId, taskId, swarmId, memoryId));
        var next = await cluster.Client.GetGrain<ITaskGrain>(taskId).Complete("green");
        Assert.Equal(3, next.Version);
        Assert.True(next.Position > rowsBefore.Max(r => r.Position));
        JournalAssert.IsConsistent(cluster.Journal.Rows(), [next]);
    }

    private async Task<string> Snapshot(string agentId, string taskId, string swarmId, string memoryId)
    {
        var client = cluster.Client;
        object[] views =
        [
            await client.GetGrain<IAgentGrain>(agentId).GetState(),
            await client.GetGrain<ITaskGrain>(taskId).GetState(),
            await client.GetGrain<ISwarmGrain>(swarmId).GetState(),
            await client.GetGrain<IMemoryNamespaceGrain>(memoryId).GetState(),
        ];
        return JsonSerializer.Serialize(views);
    }
}

/// <summary>The restart tests on SQLite, and the upgrade of a SQLite journal file of schema 1 (PostgreSQL journals start at schema 3).</summary>
[Collection(RestartCollection.Name)]
public sealed class RestartTests_Sqlite(RestartCluster fixture) : RestartTests(fixture)
{
    private readonly RestartCluster _cluster = fixture;

    [Fact]
    public async Task A_journal_file_from_before_grain_snapshot_tables_keeps_working_and_its_shared_snapshots_are_not_adopted()
    {
        var taskId = Ids.New("task");
        var task = _cluster.Client.GetGrain<ITaskGrain>(taskId);
        await task.Create("review", "the task", "", TaskPriority.High, []);
        for (var i = 1; i < 130; i++)
        {
            if (i % 2 == 1) await task.Block(["blocker"]);
            else await task.Queue(TaskPriority.Normal);
        }
        var events = await _cluster.Client.GetEventStore().GetEvents(taskId);

        // Turn the file into a version-1 journal: one shared snapshots table, holding a grain-encoded snapshot of the task (retitled).
        var forged = new TaskView();
        foreach (var e in events.Where(e => e.Version <= 100))
            forged.Apply(e with { Payload = e.Payload is TaskCreated created ? created with { Title = "forged" } : e.Payload });
        var state = new SnapshotCodec<TaskView>(_cluster.Client.ServiceProvider.GetRequiredService<Serializer>()).Encode(forged);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _cluster.DatabasePath, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "DROP TABLE grain_snapshots; INSERT INTO snapshots VALUES ($a, 'task', 100, $state, 1); PRAGMA user_version = 1;";
            command.Parameters.AddWithValue("$a", taskId);
            command.Parameters.AddWithValue("$state", state);
            command.ExecuteNonQuery();
        }

        await _cluster.RestartAsync();

        var rebuilt = await _cluster.Client.GetGrain<ITaskGrain>(taskId).GetState();
        var fold = new TaskView();
        foreach (var e in events) fold.Apply(e);
        Assert.Equal(JsonSerializer.Serialize(fold), JsonSerializer.Serialize(rebuilt));
        // The grain snapshots itself anew in its own table (its next command is queued after that snapshot).
        Assert.Equal(131, (await _cluster.Client.GetGrain<ITaskGrain>(taskId).Queue(TaskPriority.Low)).Version);
        Assert.Equal(130, _cluster.Journal.GrainSnapshot(taskId)?.Version);
    }
}

[Collection(PostgresRestartCollection.Name)]
public sealed class RestartTests_Postgres(PostgresRestartCluster cluster) : RestartTests(cluster);
