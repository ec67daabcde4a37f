using EventStore.Aggregates;
using EventStore.Tests.Infrastructure;
using Xunit.Abstractions;

namespace EventStore.Tests.Aggregates;

[Collection(SharedClusterCollection.Name)]
public sealed class ProbeTests(JournalCluster cluster, ITestOutputHelper output)
{
    private async Task Try(string name, Func<Task> act)
    {
        try { await act(); output.WriteLine($"{name}: OK"); }
        catch (Exception ex) { output.WriteLine($"{name}: {ex.GetType().FullName}: {ex.Message}"); if (ex is EventStore.Errors.InvalidCommandException ic) output.WriteLine("  arg=" + ic.Argument); }
    }

    [Fact]
    public async Task Probe()
    {
        await Try("empty key", () => cluster.Client.GetGrain<IAgentGrain>("").Spawn("coder", AgentDomain.Core, []));
        await Try("ws key", () => cluster.Client.GetGrain<IAgentGrain>("   ").Spawn("coder", AgentDomain.Core, []));
        await Try("long key", () => cluster.Client.GetGrain<IAgentGrain>(new string('a', 300)).Spawn("coder", AgentDomain.Core, []));
        var shared = Ids.New("x");
        await Try("agent x", () => cluster.Client.GetGrain<IAgentGrain>(shared).Spawn("coder", AgentDomain.Core, []));
        await Try("task x", () => cluster.Client.GetGrain<ITaskGrain>(shared).Create("t", "title", "d", TaskPriority.Normal, []));
        await Try("big", () => cluster.Client.GetGrain<ITaskGrain>(Ids.New("t")).Create("t", "title", new string('d', 2 * 1024 * 1024), TaskPriority.Normal, []));
        await Try("null caps", () => cluster.Client.GetGrain<IAgentGrain>(Ids.New("a")).Spawn("coder", AgentDomain.Core, null!));
        output.WriteLine(cluster.Journal.Rows(shared).Count.ToString());
        var sw = Ids.New("s");
        await Try("init", () => cluster.Client.GetGrain<ISwarmGrain>(sw).Initialize("mesh", 5, new Dictionary<string, string>()));
        await Try("nan", () => cluster.Client.GetGrain<ISwarmGrain>(sw).Terminate("done", new Dictionary<string, double> { ["x"] = double.NaN }));
        await Try("inf err", () => cluster.Client.GetGrain<ISwarmGrain>(sw).RecordError("boom", null, null!));
        await Try("mem on agent id", () => cluster.Client.GetGrain<IMemoryNamespaceGrain>(shared).Store("k", "t", 1));
        await Try("swarm on agent id", () => cluster.Client.GetGrain<ISwarmGrain>(shared).ChangePhase("p"));
        await Try("lead ws key", () => cluster.Client.GetGrain<IAgentGrain>(" a").Spawn("coder", AgentDomain.Core, []));
        await Try("ws eventid", () => cluster.Client.GetGrain<IAgentGrain>(Ids.New("a")).Spawn("coder", AgentDomain.Core, [], new CommandContext { EventId = " " }));
        output.WriteLine(cluster.Journal.Rows(shared).Count.ToString());
        output.WriteLine(cluster.Journal.Rows(sw).Count.ToString());
    }
}
