using System.Data.Common;
using System.Text.Json;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Upcasting;

namespace EventStore.Journal;

/// <summary>
/// Turns event rows into envelopes, for every backend: the columns are, in order, position, id, type,
/// aggregate_id, aggregate_type, version, timestamp, source, payload, metadata, causation_id, correlation_id, schema_version.
/// The one decode point of every read: a payload stored at an older schema version (or under a former type name) is
/// upcast here to its type's current version and name, and the envelope carries that name. A payload that cannot be
/// read (or upcast) becomes an <see cref="UnreadableEvent"/> under its stored name, never an exception.
/// </summary>
internal sealed class EventRowReader(EventPayloadSerializer serializer)
{
    private const int SchemaVersionColumn = 12;
    private const int RequestColumn = 13;

    public EventEnvelope Read(DbDataReader row) => Read(row, out _);

    /// <summary>
    /// The row as stored, for the idempotency check (<see cref="EventRequest.IsAnsweredBy"/>), read with the columns and then
    /// <c>request</c>. Its payload JSON is the row's own, or, for a row that was upcast, the upcast payload serialized as
    /// the current code writes it: what a retry of the same request by the current code produces.
    /// </summary>
    public StoredEvent ReadStored(DbDataReader row)
    {
        var envelope = Read(row, out var upcast);
        var json = upcast ? serializer.Serialize(envelope.Payload) : row.GetString(8);
        return new StoredEvent(envelope, json, row.IsDBNull(RequestColumn) ? null : row.GetString(RequestColumn));
    }

    /// <summary>A row read as stored (<see cref="StoredRow"/>) decoded as every read decodes it: upcast, or an <see cref="UnreadableEvent"/>.</summary>
    public EventEnvelope Read(StoredRow row)
    {
        var (payload, type, metadata) = Decode(row.Type, row.SchemaVersion, row.PayloadJson, row.MetadataJson, out _);
        return new EventEnvelope(row.Id, type, row.AggregateId, row.AggregateType, row.Version, row.Position, row.Timestamp, row.Source,
            payload, metadata, row.CausationId, row.CorrelationId);
    }

    private EventEnvelope Read(DbDataReader row, out bool upcast)
    {
        var position = row.GetInt64(0);
        var (payload, type, metadata) = Decode(row.GetString(2), row.GetInt32(SchemaVersionColumn), row.GetString(8), row.IsDBNull(9) ? null : row.GetString(9), out upcast);
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

    private (IDomainEvent Payload, string Type, IReadOnlyDictionary<string, string>? Metadata) Decode(
        string storedType, int schemaVersion, string json, string? metadataJson, out bool upcast)
    {
        IDomainEvent payload;
        string type;
        try
        {
            payload = serializer.Decode(storedType, schemaVersion, json, out type, out upcast);
        }
        catch (UnknownEventTypeException ex)
        {
            payload = new UnreadableEvent(storedType, json, ex.Message, IsUnknownType: true);
            (type, upcast) = (storedType, false);
        }
        catch (EventUpcastException ex)
        {
            payload = new UnreadableEvent(storedType, json, ex.Message, IsUnknownType: ex.IsNewerVersion);
            (type, upcast) = (storedType, false);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            payload = new UnreadableEvent(storedType, json, ex.Message, IsUnknownType: false);
            (type, upcast) = (storedType, false);
        }
        IReadOnlyDictionary<string, string>? metadata = null;
        try
        {
            metadata = EventPayloadSerializer.DeserializeMetadata(metadataJson);
        }
        catch (JsonException ex)
        {
            payload = new UnreadableEvent(storedType, json, $"its metadata cannot be read: {ex.Message}", IsUnknownType: false);
            (type, upcast) = (storedType, false);
        }
        return (payload, type, metadata);
    }
}
