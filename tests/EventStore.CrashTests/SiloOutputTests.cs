using EventStore.Aggregates;
using EventStore.Projections;
using Xunit.Abstractions;

namespace EventStore.CrashTests;

/// <summary>What the real silo prints (src/Silo with its appsettings.json): readable by a newcomer, not flooded.</summary>
public sealed class SiloOutputTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eventstore-crash-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort
    }

    [Fact]
    public async Task The_silo_prints_one_ready_line_naming_its_journal_durability_and_endpoints_and_no_Polly_information()
    {
        var databasePath = Path.Combine(_folder, "journal", "events.db");
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        using var silo = SiloProcess.Start(SiloProcess.BuiltSiloAssembly, databasePath, "Normal");
        await using (var client = await SiloClient.ConnectAsync(silo.GatewayPort, TimeSpan.FromSeconds(90)))
        {
            // Commands to a few aggregates and a projection, so that grains are placed.
            for (var i = 0; i < 4; i++)
                await client.Client.GetGrain<IAgentGrain>($"output-agent-{i}").Spawn("coder", AgentDomain.Core, []);
            await client.Client.GetGrain<ITaskGrain>("output-task").Create("build", "Build", "", TaskPriority.Normal, []);
            await client.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key).CatchUp();
        }
        silo.Stop();

        var lines = silo.RecentOutput.Split(Environment.NewLine);
        output.WriteLine(silo.RecentOutput);
        var polly = lines.Where(l => l.StartsWith("info: Polly", StringComparison.Ordinal)).ToList();
        var ready = lines.Where(l => l.Contains("silo ready", StringComparison.OrdinalIgnoreCase)).ToList();
        var problems = new List<string>();
        if (polly.Count > 0) problems.Add($"{polly.Count} Polly line(s) at Information level, e.g. '{polly[0]}'");
        if (ready.Count != 1) problems.Add($"expected one 'silo ready' line, got {ready.Count}");
        foreach (var (what, text) in new[]
                 {
                     ("journal path", databasePath), ("durability", "durability Normal"),
                     ("silo endpoint", $"127.0.0.1:{silo.SiloPort}"), ("gateway endpoint", $"127.0.0.1:{silo.GatewayPort}"),
                 })
            if (ready.Count == 1 && !ready[0].Contains(text, StringComparison.Ordinal)) problems.Add($"the ready line does not name the {what} ({text}): {ready[0]}");
        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }
}
