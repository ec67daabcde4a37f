using EventStore.Aggregates;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Aggregates;

public abstract class SmokeTests(JournalCluster cluster)
{
    [Fact]
    public async Task A_spawned_agent_is_one_row_in_the_journal()
    {
        var id = Ids.New("agent");
        var receipt = await cluster.Client.GetGrain<IAgentGrain>(id).Spawn("coder", AgentDomain.Core, ["csharp"]);

        var row = Assert.Single(cluster.Journal.Rows(id));
        Assert.Equal(("agent:spawned", "agent", 1L, receipt.Position), (row.Type, row.AggregateType, row.Version, row.Position));
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class SmokeTests_Sqlite(JournalCluster cluster) : SmokeTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class SmokeTests_Postgres(PostgresJournalCluster cluster) : SmokeTests(cluster);
