using EventStore.Aggregates;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;
using EventStore.Tests.Reliability;

namespace EventStore.Tests.Projections;

/// <summary>
/// Tables written by an older shape of a projection's code are not trusted: the projection folds the journal again
/// into new tables while the old ones keep answering, then switches to the new ones and drops the old.
/// </summary>
public abstract class ReadModelShapeTests(JournalProvider provider)
{
    [Fact]
    public async Task Tables_of_an_older_shape_version_answer_until_a_rebuild_from_the_journal_replaces_them()
    {
        var (path, postgres) = (ReliabilityCluster.NewDatabasePath(), await ReliabilityCluster.NewPostgresDatabaseAsync(provider));
        try
        {
            var agentId = Ids.New("agent");
            long head;
            IJournalRows rows;
            await using (var first = await ReliabilityCluster.StartAsync(path, postgres: postgres))
            {
                await first.Client.GetGrain<IAgentGrain>(agentId).Spawn("coder", AgentDomain.Core, []);
                head = (await first.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key).CatchUp()).HeadPosition;
                rows = first.Journal;
            }

            // While no silo runs, what tables of an older shape look like: another shape version, records under keys the code no longer uses.
            Assert.Equal(1, rows.Execute("UPDATE projection_generations SET shape_version = 0 WHERE projection = 'agent_state'"));
            Assert.Equal(1, rows.Execute($"UPDATE rm_agent_state_1_agents SET key = 'stale-key' WHERE key = '{agentId}'"));

            await using var cluster = await ReliabilityCluster.StartAsync(path, postgres: postgres);
            var projection = cluster.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);

            // The old tables answer while the new ones fill (the rebuild runs in the background, a page at a time).
            // Either the old tables (the record under its stale key) or, if the rebuild already switched, the new ones.
            var during = Assert.Single(await projection.GetAll());
            Assert.Equal(agentId, during.AgentId);

            var status = await projection.CatchUp();
            Assert.Equal((head, false, null), (status.Checkpoint, status.IsRebuilding, status.Problem));
            Assert.Equal([agentId], (await projection.GetAll()).Select(a => a.AgentId));
            Assert.NotNull(await projection.GetAgent(agentId));
            Assert.Equal(1, rows.Long("SELECT COUNT(*) FROM projection_generations WHERE projection = 'agent_state'"));
            Assert.Equal(2, rows.Long("SELECT generation FROM projection_generations WHERE projection = 'agent_state' AND active = TRUE"));
            Assert.DoesNotContain("rm_agent_state_1_agents", rows.Tables());
            Assert.Contains("rm_agent_state_2_agents", rows.Tables());
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
            await ReliabilityCluster.DropPostgresDatabaseAsync(postgres);
        }
    }
}

public sealed class ReadModelShapeTests_Sqlite() : ReadModelShapeTests(JournalProvider.Sqlite);

public sealed class ReadModelShapeTests_Postgres() : ReadModelShapeTests(JournalProvider.Postgres);
