using System.Data.Common;
using System.Text.Json;
using EventStore.Errors;
using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// Turns event rows into envelopes, for every backend: the columns are, in order, position, id, type,
/// aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id.
/// A payload that cannot be read becomes an <see cref="UnreadableEvent"/>, never an exception.
/// </summary>
internal sealed class EventRowReader(EventPayloadSerializer serializer)
{
    public EventEnvelope Read(DbDataReader row)
    {
        var position = row.GetInt64(0);
        var type = row.GetString(2);
        var json = row.GetString(8);
        IDomainEvent payload;
        try
        {
            payload = serializer.Deserialize(type, json);
        }
        catch (UnknownEventTypeException ex)
        {
            payload = new UnreadableEvent(type, json, ex.Message, IsUnknownType: true);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            payload = new UnreadableEvent(type, json, ex.Message, IsUnknownType: false);
        }
        IReadOnlyDictionary<string, string>? metadata = null;
        try
        {
            metadata = EventPayloadSerializer.DeserializeMetadata(row.IsDBNull(9) ? null : row.GetString(9));
        }
        catch (JsonException ex)
        {
            payload = new UnreadableEvent(type, json, $"its metadata cannot be read: {ex.Message}", IsUnknownType: false);
        }
        return new EventEnvelope(
            Id: row.GetString(1),
            Type: type,
            AggregateId: row.GetString(3),
            AggregateType: row.GetString(4),
            Version: row.GetInt64(5),
            Position: position,
            Timestamp: row.GetInt64(6),
            Source: row.GetString(7),
            Payload: payload,
            Metadata: metadata,
            CausationId: row.IsDBNull(10) ? null : row.GetString(10),
            CorrelationId: row.IsDBNull(11) ? null : row.GetString(11));
    }
}
