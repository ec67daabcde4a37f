using Orleans.Hosting;

namespace EventStore.Reminders;

/// <summary>
/// Settings of memory keys' time to live, bound from the <c>EventStore:Reminders</c> configuration section by the silo.
/// Each memory namespace holds one durable Orleans reminder, for its earliest due key, in the journal's database.
/// </summary>
public sealed class MemoryExpiryOptions
{
    /// <summary>The configuration section the silo binds.</summary>
    public const string SectionName = "EventStore:Reminders";

    /// <summary>
    /// Period of a namespace's expiry reminder: after the tick at a key's due time, the reminder ticks again this often
    /// until the namespace has written the expiry and re-armed, so it is how soon a failed expiry is tried again, and the
    /// longest a key that fell due while no silo ran waits after the silo's reminder service has started (the reminder
    /// service fires a missed reminder at its next period, not at once). At least Orleans'
    /// <see cref="ReminderOptions.MinimumReminderPeriod"/> (1 minute unless configured). Default 1 minute.
    /// </summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest time to live a <c>Store</c> accepts. Default 365 days.</summary>
    public TimeSpan MaxTimeToLive { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Throws if a setting is out of range, naming it.</summary>
    public void Validate(ReminderOptions reminders)
    {
        ArgumentNullException.ThrowIfNull(reminders);
        if (RetryPeriod <= TimeSpan.Zero) throw new ArgumentException($"{SectionName}:RetryPeriod must be positive.");
        if (RetryPeriod < reminders.MinimumReminderPeriod)
            throw new ArgumentException(
                $"{SectionName}:RetryPeriod ({RetryPeriod}) must be at least Orleans' ReminderOptions.MinimumReminderPeriod ({reminders.MinimumReminderPeriod}).");
        if (MaxTimeToLive <= TimeSpan.Zero) throw new ArgumentException($"{SectionName}:MaxTimeToLive must be positive.");
        if (MaxTimeToLive > TimeSpan.FromDays(3650)) throw new ArgumentException($"{SectionName}:MaxTimeToLive must be at most 3650 days.");
    }
}
