using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Upcasting;

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
        return Deserialize(type, typeName, json);
    }

    /// <summary>The schema version a payload of <paramref name="typeName"/> is written at: its type's current one.</summary>
    public int SchemaVersionOf(string typeName) => Registry.CurrentVersion(typeName);

    /// <summary>
    /// Every name rows of <paramref name="typeName"/>'s current type may be stored under (see <see cref="UpcasterChains.StoredNamesOf"/>):
    /// reads by type look for all of them.
    /// </summary>
    public IReadOnlyList<string> StoredNamesOf(string typeName) => Registry.Upcasters.StoredNamesOf(typeName);

    /// <summary>
    /// The payload of a stored row at its type's current version, and that type's name in <paramref name="type"/>. A row
    /// at the current version is deserialized as it is; an older one, or one stored under a former name, goes through
    /// its upcasters first (as a <see cref="JsonObject"/>). Throws <see cref="UnknownEventTypeException"/> for a name
    /// neither registered nor read by an upcaster, <see cref="EventUpcastException"/> for a version that cannot be brought
    /// to the current one, and what deserializing throws for a damaged payload. <paramref name="upcast"/> tells whether upcasters ran.
    /// </summary>
    internal IDomainEvent Decode(string storedType, int storedVersion, string json, out string type, out bool upcast)
    {
        if (Registry.TryGetType(storedType, out var clrType, out var current) && current == storedVersion)
        {
            (type, upcast) = (storedType, false);
            return Deserialize(clrType, storedType, json);
        }
        upcast = true;
        return Upcast(storedType, storedVersion, json, current, out type);
    }

    private IDomainEvent Upcast(string storedType, int storedVersion, string json, int current, out string type)
    {
        if (!Registry.Upcasters.Reads(storedType, storedVersion))
        {
            if (current == 0) throw new UnknownEventTypeException(storedType);
            throw storedVersion > current
                ? new EventUpcastException($"its payload is at version {storedVersion} of '{storedType}', newer than this silo's version {current} (a newer silo wrote it)", isNewerVersion: true)
                : new EventUpcastException($"no upcaster reads version {storedVersion} of '{storedType}' (registered at version {current})");
        }
        var tree = JsonNode.Parse(json) as JsonObject ?? throw new JsonException($"Payload of '{storedType}' is not a JSON object.");
        var (currentType, payload) = Registry.Upcasters.Upcast(storedType, storedVersion, tree);
        if (!Registry.TryGetType(currentType, out var clrType)) throw new UnknownEventTypeException(currentType);
        type = currentType;
        return (IDomainEvent)(payload.Deserialize(clrType, JsonOptions)
            ?? throw new JsonException($"Payload of '{currentType}' is JSON null."));
    }

    private static IDomainEvent Deserialize(Type type, string typeName, string json) =>
        (IDomainEvent)(JsonSerializer.Deserialize(json, type, JsonOptions) ?? throw new JsonException($"Payload of '{typeName}' is JSON null."));

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
