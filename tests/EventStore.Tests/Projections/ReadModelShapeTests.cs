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
            Assert.Equal(1, rows.Execute($"UPDATE rm_agent_state__1_agents SET key = 'stale-key' WHERE key = '{agentId}'"));

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
            Assert.DoesNotContain("rm_agent_state__1_agents", rows.Tables());
            Assert.Contains("rm_agent_state__2_agents", rows.Tables());
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
            await ReliabilityCluster.DropPostgresDatabaseAsync(postgres);
        }
    }

    [Fact]
    public async Task Tables_named_the_earlier_way_are_read_and_written_until_a_rebuild_moves_them_to_the_current_names()
    {
        var (path, postgres) = (ReliabilityCluster.NewDatabasePath(), await ReliabilityCluster.NewPostgresDatabaseAsync(provider));
        try
        {
            var (first, second) = (Ids.New("agent"), Ids.New("agent"));
            IJournalRows rows;
            await using (var cluster = await ReliabilityCluster.StartAsync(path, postgres: postgres))
            {
                await cluster.Client.GetGrain<IAgentGrain>(first).Spawn("coder", AgentDomain.Core, []);
                await cluster.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key).CatchUp();
                rows = cluster.Journal;
            }

            // While no silo runs, the tables as an earlier version named them (rm_{projection}_{generation}_{table}), and the catalog listing those names.
            var current = rows.Tables().Where(t => t.StartsWith("rm_agent_state__1_", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(current);
            var legacy = current.Select(t => t.Replace("rm_agent_state__1_", "rm_agent_state_1_", StringComparison.Ordinal)).ToList();
            foreach (var (from, to) in current.Zip(legacy)) rows.Execute($"ALTER TABLE {from} RENAME TO {to}");
            Assert.Equal(1, rows.Execute($"UPDATE projection_generations SET tables = '{string.Join(',', legacy)}' WHERE projection = 'agent_state'"));

            await using var upgraded = await ReliabilityCluster.StartAsync(path, postgres: postgres);
            var projection = upgraded.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
            Assert.NotNull(await projection.GetAgent(first));
            await upgraded.Client.GetGrain<IAgentGrain>(second).Spawn("tester", AgentDomain.Core, []);
            await projection.CatchUp();
            Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), (await projection.GetAll()).Select(a => a.AgentId).Order(StringComparer.Ordinal));
            Assert.Subset(rows.Tables().ToHashSet(), legacy.ToHashSet());
            Assert.DoesNotContain(rows.Tables(), t => t.StartsWith("rm_agent_state__", StringComparison.Ordinal));

            await projection.Rebuild();
            await projection.CatchUp();
            Assert.Equal(new[] { first, second }.Order(StringComparer.Ordinal), (await projection.GetAll()).Select(a => a.AgentId).Order(StringComparer.Ordinal));
            Assert.DoesNotContain(rows.Tables(), t => t.StartsWith("rm_agent_state_1_", StringComparison.Ordinal));
            Assert.Contains("rm_agent_state__2_agents", rows.Tables());
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
