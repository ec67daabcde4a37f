using System.Data.Common;

namespace EventStore.Reminders;

/// <summary>
/// Where a backend keeps Orleans' reminder table: its statements and its connections. The journal's database holds it,
/// so reminders live (and survive restarts) wherever the journal does.
/// </summary>
internal interface IReminderDatabase
{
    /// <summary>The backend's reminder SQL.</summary>
    ReminderStatements Sql { get; }

    /// <summary>
    /// An open connection: for <paramref name="writes"/>, one that waits for the database's write lock up to the
    /// journal's busy timeout (on SQLite a fresh one beside the journal writer's, which owns its own connection).
    /// </summary>
    Task<DbConnection> OpenAsync(bool writes, CancellationToken cancellation);
}
