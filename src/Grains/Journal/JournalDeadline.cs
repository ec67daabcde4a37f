namespace EventStore.Journal;

/// <summary>
/// When one append operation stops waiting for the journal: set once per grain command or store
/// append, and shared by all its attempts, so that the caller hears the journal's own error well
/// before Orleans' response timeout (see <see cref="JournalOptions.AppendTimeout"/>).
/// </summary>
internal readonly record struct JournalDeadline(TimeProvider Clock, long Timestamp, TimeSpan Budget)
{
    private static readonly AsyncLocal<JournalDeadline?> AmbientDeadline = new();

    /// <summary>The deadline of the operation running in this asynchronous flow, if one was set.</summary>
    public static JournalDeadline? Ambient => AmbientDeadline.Value;

    /// <summary>A deadline <paramref name="budget"/> from now.</summary>
    public static JournalDeadline After(TimeSpan budget, TimeProvider clock) =>
        new(clock, clock.GetTimestamp() + (long)(budget.TotalSeconds * clock.TimestampFrequency), budget);

    /// <summary>Makes this the deadline of every append started in this asynchronous flow until disposed.</summary>
    public Scope Enter()
    {
        var previous = AmbientDeadline.Value;
        AmbientDeadline.Value = this;
        return new Scope(previous);
    }

    /// <summary>Time left; zero once passed.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var left = Clock.GetElapsedTime(Clock.GetTimestamp(), Timestamp);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    /// <summary>Restores the previous ambient deadline.</summary>
    public readonly struct Scope(JournalDeadline? previous) : IDisposable
    {
        /// <inheritdoc />
        public void Dispose() => AmbientDeadline.Value = previous;
    }
}
