namespace EventStore.Health;

/// <summary>
/// The silo's small HTTP host (section <c>EventStore:Http</c>): the health endpoints <c>/health/live</c> and
/// <c>/health/ready</c>, and the Orleans dashboard at <c>/dashboard/</c>. Off unless <see cref="Enabled"/>; when on, it
/// listens on loopback only unless <see cref="ListenOnAnyAddress"/> says otherwise (it has no authentication).
/// </summary>
public sealed class EventStoreHttpOptions
{
    /// <summary>The configuration section these settings are read from.</summary>
    public const string SectionName = "EventStore:Http";

    /// <summary>Whether the silo serves HTTP at all. Default false: a silo opens no port it was not asked to.</summary>
    public bool Enabled { get; set; }

    /// <summary>The TCP port (0: any free port, as tests use). Default 8080.</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Listen on every interface instead of 127.0.0.1 only. Default false: the dashboard and the health details stay on this machine.</summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>Whether the Orleans dashboard is served at <c>/dashboard/</c> (it profiles every grain call while open). Default true.</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>The most events a projection may be behind the journal's head for the silo to be ready. Default 10,000.</summary>
    public long MaxProjectionLagEvents { get; set; } = 10_000;

    /// <summary>The longest the oldest event a projection has not applied may have waited for the silo to be ready. Default 30 s.</summary>
    public TimeSpan MaxProjectionLag { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one readiness check may take (reading the journal's head, asking a projector its status). Default 2 s.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first wrong setting.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535) throw new ArgumentException($"{SectionName}:Port must be between 0 and 65535, not {Port}.");
        if (MaxProjectionLagEvents < 0) throw new ArgumentException($"{SectionName}:MaxProjectionLagEvents must not be negative, not {MaxProjectionLagEvents}.");
        if (MaxProjectionLag < TimeSpan.Zero) throw new ArgumentException($"{SectionName}:MaxProjectionLag must not be negative, not {MaxProjectionLag}.");
        if (CheckTimeout <= TimeSpan.Zero) throw new ArgumentException($"{SectionName}:CheckTimeout must be longer than 0, not {CheckTimeout}.");
    }
}
