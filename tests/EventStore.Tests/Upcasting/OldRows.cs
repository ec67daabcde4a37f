using EventStore.Journal;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Upcasting;

/// <summary>Rows in an old shape, written with plain SQL as an older silo (or any client of the database) would have written them.</summary>
internal static class OldRows
{
    /// <summary>
    /// Inserts one row and returns its position. <paramref name="schemaVersion"/> null leaves the column out (as SQL written
    /// before schema 5 does: the default, 1, applies); <paramref name="request"/> is the stored request fingerprint.
    /// </summary>
    public static long Insert(IJournalRows rows, string aggregateId, string aggregateType, long version, string type, string payload,
        int? schemaVersion = null, string? eventId = null, string? request = null)
    {
        var id = eventId ?? Guid.NewGuid().ToString();
        var columns = "id, type, aggregate_id, aggregate_type, version, timestamp, source, payload, request" + (schemaVersion is null ? "" : ", schema_version");
        var values = string.Join(", ", Text(id), Text(type), Text(aggregateId), Text(aggregateType), version, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Text("old-silo"), Text(payload), request is null ? "NULL" : Text(request)) + (schemaVersion is null ? "" : $", {schemaVersion}");
        rows.Execute(rows.Provider == JournalProvider.Postgres
            ? $"WITH next AS (UPDATE journal_head SET position = position + 1 RETURNING position) INSERT INTO events (position, {columns}) SELECT next.position, {values} FROM next"
            : $"INSERT INTO events ({columns}) VALUES ({values})");
        return rows.Long($"SELECT position FROM events WHERE id = {Text(id)}") ?? throw new InvalidOperationException("The row was not inserted.");
    }

    /// <summary>The schema version stored in the row of an event id.</summary>
    public static long? SchemaVersion(IJournalRows rows, string eventId) => rows.Long($"SELECT schema_version FROM events WHERE id = {Text(eventId)}");

    private static string Text(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
