using System.Text.Json;
using System.Text.Json.Serialization;
using EventStore.Errors;
using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// Turns payloads into the JSON the journal stores and back: camelCase properties, enums as
/// kebab-case strings, so that rows read well in any SQL tool.
/// </summary>
public sealed class EventPayloadSerializer(EventTypeRegistry registry)
{
    /// <summary>The JSON settings used for payloads and metadata.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = CreateOptions();

    /// <summary>The registry used to name types.</summary>
    public EventTypeRegistry Registry { get; } = registry;

    /// <summary>The stable type name of a payload. Throws <see cref="UnknownEventTypeException"/> for an unregistered type.</summary>
    public string TypeNameOf(IDomainEvent payload) =>
        Registry.TryGetName(payload.GetType(), out var name)
            ? name
            : throw new UnknownEventTypeException(payload.GetType().FullName ?? payload.GetType().Name);

    /// <summary>The payload as JSON.</summary>
    public string Serialize(IDomainEvent payload) => JsonSerializer.Serialize(payload, payload.GetType(), JsonOptions);

    /// <summary>The payload stored under <paramref name="typeName"/>. Throws <see cref="UnknownEventTypeException"/> for an unknown name.</summary>
    public IDomainEvent Deserialize(string typeName, string json)
    {
        if (!Registry.TryGetType(typeName, out var type)) throw new UnknownEventTypeException(typeName);
        return (IDomainEvent)(JsonSerializer.Deserialize(json, type, JsonOptions)
            ?? throw new JsonException($"Payload of '{typeName}' is JSON null."));
    }

    /// <summary>Metadata as JSON, or null when there is none.</summary>
    public static string? SerializeMetadata(IReadOnlyDictionary<string, string>? metadata) =>
        metadata is null || metadata.Count == 0 ? null : JsonSerializer.Serialize(metadata, JsonOptions);

    /// <summary>Metadata read back from JSON.</summary>
    public static IReadOnlyDictionary<string, string>? DeserializeMetadata(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonOptions);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false) },
            DefaultIgnoreCondition = JsonIgnoreCondition.Never,
            // A stored payload missing a field, or with null where the type allows none, is damaged, not defaulted.
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
