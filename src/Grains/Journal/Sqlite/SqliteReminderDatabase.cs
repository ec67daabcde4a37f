using System.Data.Common;
using EventStore.Reminders;

namespace EventStore.Journal.Sqlite;

/// <summary>
/// The reminder table in the journal's SQLite file: reads on pooled connections, writes each on a connection of its own
/// that waits for the journal writer's transaction through the busy timeout (as the read models' writes do).
/// </summary>
internal sealed class SqliteReminderDatabase(SqliteConnectionFactory connections) : IReminderDatabase
{
    public ReminderStatements Sql => SqliteReminderSql.Statements;

    public Task<DbConnection> OpenAsync(bool writes, CancellationToken cancellation) =>
        Task.FromResult<DbConnection>(writes ? connections.OpenWriter() : connections.OpenReader());
}
