using System.Data.Common;
using EventStore.Reminders;
using Npgsql;

namespace EventStore.Journal.Postgres;

/// <summary>The reminder table in the journal's PostgreSQL database, on the readers' pooled connections.</summary>
internal sealed class PostgresReminderDatabase(NpgsqlDataSource connections) : IReminderDatabase
{
    public ReminderStatements Sql => PostgresReminderSql.Statements;

    public async Task<DbConnection> OpenAsync(bool writes, CancellationToken cancellation) => await connections.OpenConnectionAsync(cancellation);
}
