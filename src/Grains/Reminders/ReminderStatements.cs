namespace EventStore.Reminders;

/// <summary>
/// The SQL a backend gives <see cref="JournalReminderTable"/>, each statement written in that backend's folder. Parameters:
/// <c>@service_id</c>, <c>@grain_id</c>, <c>@reminder_name</c>, <c>@grain_hash</c>, <c>@start_at</c>, <c>@period</c>,
/// <c>@etag</c>, <c>@begin</c>, <c>@end</c>; reads return <c>grain_id, reminder_name, start_at, period, etag</c>.
/// </summary>
/// <param name="LockSchema">Taken in the creating transaction so that silos starting at once take turns; null where the transaction itself serializes them.</param>
/// <param name="TableExists">One value, true (or non-zero) when the table is there.</param>
/// <param name="CreateTable">The table and its index, where missing.</param>
/// <param name="SelectByGrain">The rows of one grain.</param>
/// <param name="SelectRow">One grain's row of one name.</param>
/// <param name="SelectInRange">Rows whose grain hash is in (begin, end], for begin &lt; end.</param>
/// <param name="SelectOutsideRange">Rows whose grain hash is above begin or at most end (the range wraps around), for begin &gt;= end.</param>
/// <param name="Upsert">Writes a row whole, with its new ETag.</param>
/// <param name="Delete">Deletes a row only if it carries the given ETag.</param>
/// <param name="DeleteAll">Deletes the service's rows.</param>
internal sealed record ReminderStatements(
    string? LockSchema,
    string TableExists,
    string CreateTable,
    string SelectByGrain,
    string SelectRow,
    string SelectInRange,
    string SelectOutsideRange,
    string Upsert,
    string Delete,
    string DeleteAll);
