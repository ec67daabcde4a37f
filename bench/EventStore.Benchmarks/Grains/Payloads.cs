using System.Text.Json;

namespace EventStore.Benchmarks.Grains;

/// <summary>
/// The payloads every system writes: an aggregate id, a sequence number and filler text, about 200
/// bytes as the journal's JSON (camelCase, as the product serializes it).
/// </summary>
public static class Payloads
{
    /// <summary>Filler text; with the other fields the JSON payload is about 200 bytes.</summary>
    public static string Data { get; } = MakeData(145);

    /// <summary>The aggregate id of aggregate number <paramref name="index"/>.</summary>
    public static string AggregateId(int index) => $"agg-{index:D6}";

    /// <summary>The payload JSON the product stores for <see cref="BenchAppended"/>; the raw baselines insert the same text.</summary>
    public static string Json(string aggregateId, long seq) =>
        JsonSerializer.Serialize(new BenchAppended(aggregateId, seq, Data), JsonOptions);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private static string MakeData(int length)
    {
        const string words = "agent task swarm memory event journal commit durable replay snapshot projection ";
        var text = string.Concat(Enumerable.Repeat(words, length / words.Length + 1));
        return text[..length];
    }
}
