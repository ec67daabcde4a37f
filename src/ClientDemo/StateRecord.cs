using System.Text.Json;
using EventStore.Aggregates;

namespace EventStore.ClientDemo;

/// <summary>
/// What a run saw acknowledged (every receipt) and the state of every aggregate it touched, saved to a
/// file with <c>--record FILE</c>. After a crash and a restart, <c>--verify FILE</c> reads every
/// aggregate again and checks that it rebuilt to exactly the recorded state, acknowledged events included.
/// </summary>
internal sealed record StateRecord(List<EventReceipt> Receipts, Dictionary<string, string> States)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>Reads the current state of every aggregate of <paramref name="receipts"/>.</summary>
    public static async Task<StateRecord> CaptureAsync(IClusterClient client, IReadOnlyList<EventReceipt> receipts)
    {
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var receipt in receipts.DistinctBy(r => r.AggregateId))
            states[receipt.AggregateId] = await ReadStateAsync(client, receipt);
        return new StateRecord([.. receipts], states);
    }

    /// <summary>Saves the record.</summary>
    public Task SaveAsync(string path) => File.WriteAllTextAsync(path, JsonSerializer.Serialize(this, Json));

    /// <summary>Loads a saved record.</summary>
    public static async Task<StateRecord> LoadAsync(string path) =>
        JsonSerializer.Deserialize<StateRecord>(await File.ReadAllTextAsync(path), Json)
        ?? throw new InvalidDataException($"{path} holds no state record.");

    /// <summary>Compares every aggregate's state now with the recorded one; prints each mismatch and returns how many there were.</summary>
    public async Task<int> VerifyAsync(IClusterClient client, TextWriter output)
    {
        var mismatches = 0;
        foreach (var receipt in Receipts.GroupBy(r => r.AggregateId).Select(g => g.MaxBy(r => r.Version)!))
        {
            var now = await ReadStateAsync(client, receipt);
            using var state = JsonDocument.Parse(now);
            var version = state.RootElement.GetProperty(nameof(AggregateView.Version)).GetInt64();
            if (now == States[receipt.AggregateId] && version >= receipt.Version) continue;
            mismatches++;
            output.WriteLine($"  MISMATCH {receipt.AggregateId}: acknowledged up to v{receipt.Version}, rebuilt at v{version}");
        }
        output.WriteLine($"  {States.Count - mismatches} of {States.Count} aggregates rebuilt to the recorded state; {Receipts.Count} acknowledged events covered");
        return mismatches;
    }

    private static async Task<string> ReadStateAsync(IClusterClient client, EventReceipt receipt)
    {
        object state = receipt.EventType.Split(':')[0] switch
        {
            "agent" => await client.GetGrain<IAgentGrain>(receipt.AggregateId).GetState(),
            "task" => await client.GetGrain<ITaskGrain>(receipt.AggregateId).GetState(),
            "swarm" => await client.GetGrain<ISwarmGrain>(receipt.AggregateId).GetState(),
            "memory" => await client.GetGrain<IMemoryNamespaceGrain>(receipt.AggregateId).GetState(),
            var other => throw new InvalidDataException($"Unknown aggregate type '{other}' in receipt {receipt.EventId}."),
        };
        return JsonSerializer.Serialize(state);
    }
}
