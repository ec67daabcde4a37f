using System.Text.Json;
using EventStore.Journal;

namespace EventStore.Admin;

/// <summary>
/// Parses the lines of an export (<see cref="JournalExportFormat"/>) one at a time, each into its record: an
/// <see cref="ExportHeader"/>, a <see cref="StoredRow"/>, an <see cref="ExportedReminder"/> or an <see cref="ExportEnd"/>.
/// A line that is not JSON, lacks a field or has one of the wrong kind throws a <see cref="JournalImportException"/> naming
/// the line and the field. The payload and metadata come back as the exact text that was exported.
/// </summary>
internal static class JournalImportLines
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 1000 };

    public static object Parse(string line, long number)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line, Options);
        }
        catch (JsonException ex)
        {
            throw Bad(number, $"it is not JSON ({ex.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Bad(number, "it is not a JSON object");
            var kind = String(root, JournalExportFormat.Kind, number);
            return kind switch
            {
                JournalExportFormat.HeaderKind => new ExportHeader(String(root, "format", number), Int(root, "version", number),
                    String(root, "source", number), Long(root, "fromPosition", number), Long(root, "headPosition", number)),
                JournalExportFormat.EventKind => Row(root, number),
                JournalExportFormat.ReminderKind => new ExportedReminder(String(root, "serviceId", number), String(root, "grainId", number),
                    String(root, "name", number), Long(root, "startAtTicks", number), Long(root, "periodTicks", number)),
                JournalExportFormat.EndKind => new ExportEnd(Long(root, "events", number), Long(root, "reminders", number)),
                _ => throw Bad(number, $"its kind '{kind}' is none of header, event, reminder, end"),
            };
        }
    }

    private static StoredRow Row(JsonElement root, long number) => new(
        Position: Long(root, "position", number),
        Id: String(root, "id", number),
        Type: String(root, "type", number),
        AggregateId: String(root, "aggregateId", number),
        AggregateType: String(root, "aggregateType", number),
        Version: Long(root, "version", number),
        Timestamp: Long(root, "timestamp", number),
        Source: String(root, "source", number),
        PayloadJson: StoredJson(root, "payload", number) ?? throw Bad(number, "it has no payload (nor payloadText)"),
        MetadataJson: StoredJson(root, "metadata", number),
        CausationId: OptionalString(root, "causationId", number),
        CorrelationId: OptionalString(root, "correlationId", number),
        SchemaVersion: Int(root, "schemaVersion", number),
        Request: OptionalString(root, "request", number));

    /// <summary>The stored text: the embedded value's own text, or the string under <c>nameText</c>; null if neither is there.</summary>
    private static string? StoredJson(JsonElement root, string name, long number)
    {
        if (root.TryGetProperty(name, out var value)) return value.GetRawText();
        return OptionalString(root, name + JournalExportFormat.TextSuffix, number);
    }

    private static string String(JsonElement root, string name, long number) =>
        OptionalString(root, name, number) ?? throw Bad(number, $"its '{name}' is missing");

    private static string? OptionalString(JsonElement root, string name, long number)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Bad(number, $"its '{name}' is not a string");
    }

    private static long Long(JsonElement root, string name, long number)
    {
        if (!root.TryGetProperty(name, out var value)) throw Bad(number, $"its '{name}' is missing");
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var result) ? result : throw Bad(number, $"its '{name}' is not a whole number");
    }

    private static int Int(JsonElement root, string name, long number)
    {
        if (!root.TryGetProperty(name, out var value)) throw Bad(number, $"its '{name}' is missing");
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var result) ? result : throw Bad(number, $"its '{name}' is not a whole number");
    }

    public static JournalImportException Bad(long number, string what) =>
        new(JournalImportProblem.BadLine, number, $"line {number} of the export is not valid: {what}.");
}
