using EventStore.Reminders;
using Orleans.Runtime;

namespace EventStore.Admin;

/// <summary>
/// The durable reminders of an export (memory keys' times to live), read and written through the journal database's own
/// Orleans reminder table (<see cref="JournalReminderTable"/>), so that they keep firing after a move.
/// </summary>
internal static class JournalExportReminders
{
    /// <summary>Every reminder of <paramref name="serviceId"/> in the journal's database; none if it has no reminder table.</summary>
    public static async Task<IReadOnlyList<ExportedReminder>> ReadAsync(OfflineJournal journal, string serviceId, CancellationToken cancellationToken)
    {
        var database = journal.Backend.CreateReminderDatabase();
        if (!await TableExistsAsync(database, cancellationToken)) return [];
        // (0, 0] wraps around the whole ring: every row of the service.
        var rows = await new JournalReminderTable(database, serviceId).ReadRows(0u, 0u);
        return [.. rows.Reminders
            .Select(r => new ExportedReminder(serviceId, r.GrainId.ToString(), r.ReminderName, DateTime.SpecifyKind(r.StartAt, DateTimeKind.Utc).Ticks, r.Period.Ticks))
            .OrderBy(r => r.GrainId, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal)];
    }

    /// <summary>Whether the journal's database holds reminders of <paramref name="serviceId"/>.</summary>
    public static async Task<bool> AnyAsync(OfflineJournal journal, string serviceId, CancellationToken cancellationToken) =>
        (await ReadAsync(journal, serviceId, cancellationToken)).Count > 0;

    /// <summary>Writes <paramref name="reminders"/> into the journal's reminder table (created if missing), each under its service id.</summary>
    public static async Task WriteAsync(OfflineJournal journal, IReadOnlyList<ExportedReminder> reminders, CancellationToken cancellationToken)
    {
        var database = journal.Backend.CreateReminderDatabase();
        foreach (var service in reminders.GroupBy(r => r.ServiceId, StringComparer.Ordinal))
        {
            var table = new JournalReminderTable(database, service.Key);
            await table.StartAsync(cancellationToken);
            foreach (var reminder in service)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await table.UpsertRow(new ReminderEntry
                {
                    GrainId = GrainId.Parse(reminder.GrainId),
                    ReminderName = reminder.Name,
                    StartAt = new DateTime(reminder.StartAtTicks, DateTimeKind.Utc),
                    Period = TimeSpan.FromTicks(reminder.PeriodTicks),
                });
            }
        }
    }

    private static async Task<bool> TableExistsAsync(IReminderDatabase database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(writes: false, cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = database.Sql.TableExists;
        return Convert.ToBoolean(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
