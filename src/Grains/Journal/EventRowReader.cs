using EventStore.Events;
using Microsoft.Data.Sqlite;

namespace EventStore.Journal;

/// <summary>Turns rows selected with <see cref="SqliteJournalSql.Columns"/> into envelopes.</summary>
internal sealed class EventRowReader(EventPayloadSerializer serializer)
{
    public EventEnvelope Read(SqliteDataReader row)
    {
        var position = row.GetInt64(0);
        var type = row.GetString(2);
        IDomainEvent payload;
        try
        {
            payload = serializer.Deserialize(type, row.GetString(8));
        }
        catch (Exception ex)
        {
            throw new InvalidDataException(
                $"Event at position {position} (id '{row.GetString(1)}', type '{type}') cannot be read: {ex.Message}", ex);
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
            Metadata: EventPayloadSerializer.DeserializeMetadata(row.IsDBNull(9) ? null : row.GetString(9)),
            CausationId: row.IsDBNull(10) ? null : row.GetString(10),
            CorrelationId: row.IsDBNull(11) ? null : row.GetString(11));
    }
}
