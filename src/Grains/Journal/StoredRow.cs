using System.Data.Common;

namespace EventStore.Journal;

/// <summary>
/// One row of the events table exactly as stored: payload and metadata JSON untouched (not upcast, not re-serialized),
/// the type name and schema version it was written under, and the fingerprint of the request that wrote it. What export,
/// import and verification work on; everything else reads envelopes through <see cref="EventRowReader"/>.
/// </summary>
internal sealed record StoredRow(
    long Position,
    string Id,
    string Type,
    string AggregateId,
    string AggregateType,
    long Version,
    long Timestamp,
    string Source,
    string PayloadJson,
    string? MetadataJson,
    string? CausationId,
    string? CorrelationId,
    int SchemaVersion,
    string? Request)
{
    /// <summary>Reads a row selected with the backend's event columns followed by <c>request</c> (as <c>SelectStoredById</c> does).</summary>
    public static StoredRow Read(DbDataReader row) => new(
        Position: row.GetInt64(0),
        Id: row.GetString(1),
        Type: row.GetString(2),
        AggregateId: row.GetString(3),
        AggregateType: row.GetString(4),
        Version: row.GetInt64(5),
        Timestamp: row.GetInt64(6),
        Source: row.GetString(7),
        PayloadJson: row.GetString(8),
        MetadataJson: row.IsDBNull(9) ? null : row.GetString(9),
        CausationId: row.IsDBNull(10) ? null : row.GetString(10),
        CorrelationId: row.IsDBNull(11) ? null : row.GetString(11),
        SchemaVersion: row.GetInt32(12),
        Request: row.IsDBNull(13) ? null : row.GetString(13));
}
