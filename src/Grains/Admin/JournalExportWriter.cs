using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using EventStore.Journal;

namespace EventStore.Admin;

/// <summary>Writes the lines of an export (see <see cref="JournalExportFormat"/>) to a text writer, counting the UTF-8 bytes written.</summary>
internal sealed class JournalExportWriter(TextWriter output) : IDisposable
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private Utf8JsonWriter? _json;

    /// <summary>UTF-8 bytes written so far, line breaks included.</summary>
    public long Bytes { get; private set; }

    public Task WriteAsync(ExportHeader header, CancellationToken cancellationToken) => LineAsync(json =>
    {
        json.WriteString(JournalExportFormat.Kind, JournalExportFormat.HeaderKind);
        json.WriteString("format", header.Format);
        json.WriteNumber("version", header.Version);
        json.WriteString("source", header.Source);
        json.WriteNumber("fromPosition", header.FromPosition);
        json.WriteNumber("headPosition", header.HeadPosition);
    }, cancellationToken);

    public Task WriteAsync(StoredRow row, CancellationToken cancellationToken) => LineAsync(json =>
    {
        json.WriteString(JournalExportFormat.Kind, JournalExportFormat.EventKind);
        json.WriteNumber("position", row.Position);
        json.WriteString("id", row.Id);
        json.WriteString("type", row.Type);
        json.WriteNumber("schemaVersion", row.SchemaVersion);
        json.WriteString("aggregateId", row.AggregateId);
        json.WriteString("aggregateType", row.AggregateType);
        json.WriteNumber("version", row.Version);
        json.WriteNumber("timestamp", row.Timestamp);
        json.WriteString("source", row.Source);
        json.WriteString("causationId", row.CausationId);
        json.WriteString("correlationId", row.CorrelationId);
        json.WriteString("request", row.Request);
        if (row.MetadataJson is not null) WriteStoredJson(json, "metadata", row.MetadataJson);
        WriteStoredJson(json, "payload", row.PayloadJson);
    }, cancellationToken);

    public Task WriteAsync(ExportedReminder reminder, CancellationToken cancellationToken) => LineAsync(json =>
    {
        json.WriteString(JournalExportFormat.Kind, JournalExportFormat.ReminderKind);
        json.WriteString("serviceId", reminder.ServiceId);
        json.WriteString("grainId", reminder.GrainId);
        json.WriteString("name", reminder.Name);
        json.WriteNumber("startAtTicks", reminder.StartAtTicks);
        json.WriteNumber("periodTicks", reminder.PeriodTicks);
    }, cancellationToken);

    public Task WriteAsync(ExportEnd end, CancellationToken cancellationToken) => LineAsync(json =>
    {
        json.WriteString(JournalExportFormat.Kind, JournalExportFormat.EndKind);
        json.WriteNumber("events", end.Events);
        json.WriteNumber("reminders", end.Reminders);
    }, cancellationToken);

    public void Dispose() => _json?.Dispose();

    /// <summary>
    /// The stored text as a JSON value when that keeps it byte for byte on one line; otherwise as a string under
    /// <c>nameText</c>, which keeps any text.
    /// </summary>
    private static void WriteStoredJson(Utf8JsonWriter json, string name, string text)
    {
        if (IsEmbeddable(text))
        {
            json.WritePropertyName(name);
            json.WriteRawValue(text, skipInputValidation: true);
        }
        else
        {
            json.WriteString(name + JournalExportFormat.TextSuffix, text);
        }
    }

    /// <summary>One JSON value, on one line, with no whitespace at its ends (which a reader would drop).</summary>
    private static bool IsEmbeddable(string text)
    {
        if (text.Length == 0 || char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]) || text.AsSpan().IndexOfAny('\n', '\r') >= 0) return false;
        byte[] utf8;
        try
        {
            utf8 = StrictUtf8.GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
            return false; // a lone surrogate: only an escaped string keeps it
        }
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 1000 });
        try
        {
            return reader.Read() && reader.TrySkip() && !reader.Read();
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private async Task LineAsync(Action<Utf8JsonWriter> write, CancellationToken cancellationToken)
    {
        _buffer.ResetWrittenCount();
        if (_json is null) _json = new Utf8JsonWriter(_buffer, Options);
        else _json.Reset(_buffer);
        _json.WriteStartObject();
        write(_json);
        _json.WriteEndObject();
        _json.Flush();
        var line = Encoding.UTF8.GetString(_buffer.WrittenSpan);
        await output.WriteAsync(line.AsMemory(), cancellationToken);
        await output.WriteAsync("\n".AsMemory(), cancellationToken);
        Bytes += _buffer.WrittenCount + 1;
    }
}
