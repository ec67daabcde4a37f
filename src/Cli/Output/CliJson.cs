using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EventStore.Events;

namespace EventStore.Cli.Output;

/// <summary>
/// The CLI's JSON for scripts: camelCase names, times as ISO 8601 beside their Unix milliseconds, events with their
/// payload as an object. One shape per kind of result, used by every command that prints it.
/// </summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // Read by people and scripts, never embedded in HTML: quotes, accents and emoji as themselves, not \u escapes.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };

    /// <summary>A result document, indented.</summary>
    public static string Document(object value) => JsonSerializer.Serialize(value, value.GetType(), Indented);

    /// <summary>One event as one line.</summary>
    public static string Line(EventEnvelope e) => Of(e).ToJsonString(Options);

    /// <summary>An event as a JSON object: its envelope's fields and its payload.</summary>
    public static JsonObject Of(EventEnvelope e)
    {
        var json = new JsonObject
        {
            ["position"] = e.Position,
            ["id"] = e.Id,
            ["type"] = e.Type,
            ["aggregateId"] = e.AggregateId,
            ["aggregateType"] = e.AggregateType,
            ["version"] = e.Version,
            ["timestamp"] = e.Timestamp,
            ["time"] = Time(e.Timestamp),
            ["source"] = e.Source,
        };
        if (e.CorrelationId is not null) json["correlationId"] = e.CorrelationId;
        if (e.CausationId is not null) json["causationId"] = e.CausationId;
        if (e.Metadata is not null) json["metadata"] = JsonSerializer.SerializeToNode(e.Metadata, Options);
        json["payload"] = Payload(e.Payload);
        return json;
    }

    /// <summary>A Unix-millisecond timestamp as ISO 8601 UTC.</summary>
    public static string Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds).ToString("yyyy-MM-ddTHH:mm:ss.fffZ");

    private static JsonNode? Payload(IDomainEvent payload) => payload is UnreadableEvent unreadable
        ? new JsonObject { ["unreadable"] = unreadable.Problem, ["stored"] = unreadable.RawPayload }
        : JsonSerializer.SerializeToNode(payload, payload.GetType(), Options);
}
