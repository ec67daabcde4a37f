using System.Reflection;

namespace EventStore.Journal;

/// <summary>How hard each commit is pushed to disk (SQLite's <c>PRAGMA synchronous</c> in WAL mode).</summary>
public enum JournalDurability
{
    /// <summary>
    /// fsync on every commit: an acknowledged event survives a process kill and a power cut. The default.
    /// </summary>
    Full,

    /// <summary>
    /// fsync at WAL checkpoints only: an acknowledged event survives a process kill, but the last
    /// commits before a power cut or OS crash may be lost (never corrupted, never reordered).
    /// </summary>
    Normal,
}

/// <summary>Which database holds the journal.</summary>
public enum JournalProvider
{
    /// <summary>One SQLite file (<see cref="JournalOptions.DatabasePath"/>), for one silo. The default.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database (<see cref="JournalOptions.ConnectionString"/>), shared by every silo of a cluster.</summary>
    Postgres,
}

/// <summary>Settings of the event journal. Bound from the <c>EventStore:Journal</c> configuration section by the silo.</summary>
public sealed class JournalOptions
{
    /// <summary>Which database holds the journal. Default <see cref="JournalProvider.Sqlite"/>.</summary>
    public JournalProvider Provider { get; set; } = JournalProvider.Sqlite;

    /// <summary>
    /// Npgsql connection string of the PostgreSQL database (required when <see cref="Provider"/> is
    /// <see cref="JournalProvider.Postgres"/>, ignored otherwise). Logs name only its host, port and database.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Path of the SQLite database file; its folder is created if missing. Default <c>data/events.db</c>.</summary>
    public string DatabasePath { get; set; } = Path.Combine("data", "events.db");

    /// <summary>
    /// The only folder online backups are written to (created if missing): a backup call names only a
    /// new file in it, never a path, and never replaces a file. Default (unset): a <c>backups</c>
    /// folder beside the journal file.
    /// </summary>
    public string? BackupFolder { get; set; }

    /// <summary>Durability of each commit. Default <see cref="JournalDurability.Full"/>.</summary>
    public JournalDurability Durability { get; set; } = JournalDurability.Full;

    /// <summary>How long a statement waits for a lock held by another process (another silo, on PostgreSQL) before failing. Default 5 s.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long one append operation (a grain command or a store append, all its attempts together) may
    /// wait for the writer. An append still queued then is withdrawn and fails with
    /// <c>JournalUnavailableException</c> (nothing is written); one the writer has started is always seen
    /// through, within <see cref="BusyTimeout"/>. <c>AppendTimeout + BusyTimeout</c> must be at most half
    /// of Orleans' response timeout, so that callers get the journal's own error, never a
    /// <c>TimeoutException</c>; the silo checks this at start. Default 10 s.
    /// </summary>
    public TimeSpan AppendTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Most events waiting for the writer (queued or in the commit being written). An append that would
    /// go over it is refused at once with <c>JournalUnavailableException</c> saying the journal is
    /// overloaded; nothing is written. Default 100,000.
    /// </summary>
    public int MaxQueuedEvents { get; set; } = 100_000;

    /// <summary>
    /// Most bytes of events (payloads, metadata and ids, as held in memory) waiting for the writer; an
    /// append that would go over it is refused like one over <see cref="MaxQueuedEvents"/>. An append is
    /// always taken when nothing else is waiting, whatever its size. Default 64 MiB.
    /// </summary>
    public long MaxQueuedBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest payload accepted, as UTF-8 JSON bytes. Default 1 MiB.</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Longest id (aggregate, event, correlation…) accepted, in characters. Default 256.</summary>
    public int MaxIdLength { get; set; } = 256;

    /// <summary>Most events committed in one transaction by the group-commit writer. Default 2,000.</summary>
    public int MaxEventsPerCommit { get; set; } = 2000;

    /// <summary>Most events one append through the event store may carry. Default 1,000.</summary>
    public int MaxEventsPerAppend { get; set; } = 1000;

    /// <summary>Most events one page or query returns. Default 10,000.</summary>
    public int MaxPageSize { get; set; } = 10_000;

    /// <summary>Most values in one list of a query filter (aggregate ids, types). Default 1,000.</summary>
    public int MaxFilterValues { get; set; } = 1000;

    /// <summary>Aggregates save a snapshot every this many events, and activate from the latest one plus the events after it. 0 turns snapshots off. Default 100.</summary>
    public int SnapshotInterval { get; set; } = 100;

    /// <summary>Largest snapshot state accepted, in UTF-8 bytes. Default 16 MiB.</summary>
    public int MaxSnapshotBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Assemblies holding application event types beyond the built-in ones.</summary>
    public List<Assembly> EventAssemblies { get; } = [];

    /// <summary>
    /// Throws unless <c>AppendTimeout + BusyTimeout</c> is at most half of Orleans' response timeout:
    /// the longest a caller waits for the journal (a withdrawn append, then a commit already started),
    /// with room left for the call's own messaging, so that it hears the journal's error first.
    /// </summary>
    public void ValidateAgainstResponseTimeout(TimeSpan responseTimeout)
    {
        if (AppendTimeout + BusyTimeout > responseTimeout / 2)
            throw new ArgumentException(
                $"EventStore:Journal:AppendTimeout ({AppendTimeout.TotalSeconds:0.###} s) + BusyTimeout ({BusyTimeout.TotalSeconds:0.###} s) must be at most half of " +
                $"Orleans' response timeout ({responseTimeout.TotalSeconds:0.###} s, SiloMessagingOptions.ResponseTimeout), or callers would see a TimeoutException instead of the journal's own error.");
    }

    /// <summary>Throws if a setting is out of range, naming it.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Provider)) throw new ArgumentException($"EventStore:Journal:Provider must be {JournalProvider.Sqlite} or {JournalProvider.Postgres}.");
        if (Provider == JournalProvider.Postgres) ValidateConnectionString();
        if (string.IsNullOrWhiteSpace(DatabasePath)) throw new ArgumentException("EventStore:Journal:DatabasePath must not be empty.");
        if (BackupFolder is not null && string.IsNullOrWhiteSpace(BackupFolder))
            throw new ArgumentException("EventStore:Journal:BackupFolder must not be empty; leave it unset for a 'backups' folder beside the journal file.");
        if (BackupFolder is not null && (string.Equals(Path.GetFullPath(BackupFolder), Path.GetFullPath(DatabasePath), StringComparison.OrdinalIgnoreCase) || File.Exists(BackupFolder)))
            throw new ArgumentException($"EventStore:Journal:BackupFolder ('{BackupFolder}') must be a folder, not the journal file or another file.");
        if (BusyTimeout <= TimeSpan.Zero) throw new ArgumentException("EventStore:Journal:BusyTimeout must be positive.");
        if (AppendTimeout <= TimeSpan.Zero) throw new ArgumentException("EventStore:Journal:AppendTimeout must be positive.");
        if (MaxQueuedEvents <= 0) throw new ArgumentException("EventStore:Journal:MaxQueuedEvents must be positive.");
        if (MaxQueuedBytes <= 0) throw new ArgumentException("EventStore:Journal:MaxQueuedBytes must be positive.");
        if (MaxPayloadBytes <= 0) throw new ArgumentException("EventStore:Journal:MaxPayloadBytes must be positive.");
        if (MaxIdLength <= 0) throw new ArgumentException("EventStore:Journal:MaxIdLength must be positive.");
        if (MaxEventsPerCommit <= 0) throw new ArgumentException("EventStore:Journal:MaxEventsPerCommit must be positive.");
        if (MaxEventsPerAppend <= 0) throw new ArgumentException("EventStore:Journal:MaxEventsPerAppend must be positive.");
        if (MaxPageSize <= 0) throw new ArgumentException("EventStore:Journal:MaxPageSize must be positive.");
        if (MaxFilterValues <= 0) throw new ArgumentException("EventStore:Journal:MaxFilterValues must be positive.");
        if (SnapshotInterval < 0) throw new ArgumentException("EventStore:Journal:SnapshotInterval must not be negative.");
        if (MaxSnapshotBytes <= 0) throw new ArgumentException("EventStore:Journal:MaxSnapshotBytes must be positive.");
    }

    /// <summary>Throws unless the connection string parses and names a host and a database; the message never repeats it (it may hold a password).</summary>
    private void ValidateConnectionString()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
            throw new ArgumentException("EventStore:Journal:ConnectionString is required when EventStore:Journal:Provider is Postgres.");
        Npgsql.NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            throw new ArgumentException("EventStore:Journal:ConnectionString is not a valid PostgreSQL (Npgsql) connection string.");
        }
        if (string.IsNullOrWhiteSpace(builder.Host) || string.IsNullOrWhiteSpace(builder.Database))
            throw new ArgumentException("EventStore:Journal:ConnectionString must name a Host and a Database.");
    }
}
