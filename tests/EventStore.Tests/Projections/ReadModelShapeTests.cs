using System.Text.Json.Nodes;
using EventStore.Aggregates;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;
using EventStore.Tests.Reliability;
using Microsoft.Data.Sqlite;

namespace EventStore.Tests.Projections;

/// <summary>A read model saved by an older shape of its code is not trusted: the projection folds the journal again.</summary>
public abstract class ReadModelShapeTests(JournalProvider provider)
{
    [Fact]
    public async Task A_read_model_saved_with_an_older_shape_version_is_rebuilt_from_the_journal_on_activation()
    {
        var (path, postgres) = (ReliabilityCluster.NewDatabasePath(), await ReliabilityCluster.NewPostgresDatabaseAsync(provider));
        try
        {
            await using var cluster = await ReliabilityCluster.StartAsync(path, postgres: postgres);
            var agentId = Ids.New("agent");
            await cluster.Client.GetGrain<IAgentGrain>(agentId).Spawn("coder", AgentDomain.Core, []);
            var projection = cluster.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
            await projection.CatchUp();
            await cluster.DeactivateAsync(projection);

            // What a model saved before shape versions looks like: version 0, records under keys the code no longer uses.
            RewriteSavedState(path, state =>
            {
                state["ModelVersion"] = 0;
                var agents = state["Model"]!["Agents"]!.AsObject();
                var record = agents[agentId]!.DeepClone();
                agents.Remove(agentId);
                agents["stale-key"] = record;
            });

            var all = await projection.GetAll();
            Assert.Equal([agentId], all.Select(a => a.AgentId));
            Assert.NotNull(await projection.GetAgent(agentId));
            var status = await projection.GetStatus();
            Assert.Equal(status.HeadPosition, status.Checkpoint);
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
            await ReliabilityCluster.DropPostgresDatabaseAsync(postgres);
        }
    }

    private static void RewriteSavedState(string path, Action<JsonObject> change)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT rowid, CAST(PayloadBinary AS TEXT) FROM OrleansStorage WHERE GrainTypeString LIKE 'agent-state@%'";
        long rowId;
        JsonObject state;
        using (var reader = command.ExecuteReader())
        {
            Assert.True(reader.Read(), "no saved AgentState model");
            rowId = reader.GetInt64(0);
            state = JsonNode.Parse(reader.GetString(1))!.AsObject();
        }
        change(state);
        command.CommandText = "UPDATE OrleansStorage SET PayloadBinary = CAST($payload AS BLOB) WHERE rowid = $rowid";
        command.Parameters.AddWithValue("$payload", state.ToJsonString());
        command.Parameters.AddWithValue("$rowid", rowId);
        Assert.Equal(1, command.ExecuteNonQuery());
    }
}

public sealed class ReadModelShapeTests_Sqlite() : ReadModelShapeTests(JournalProvider.Sqlite);

public sealed class ReadModelShapeTests_Postgres() : ReadModelShapeTests(JournalProvider.Postgres);
