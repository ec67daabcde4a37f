using EventStore.Projections;
using EventStore.Reminders;
using EventStore.Store;

namespace EventStore.Journal;

/// <summary>
/// Everything about the journal that depends on the database: its schema, its batch transactions, its
/// reads and its maintenance. The rest of the product talks to <see cref="EventJournal"/> and never
/// knows which backend is underneath; each backend keeps all of its SQL in its own folder.
/// </summary>
internal interface IJournalBackend
{
    /// <summary>Where the journal is and how durable it is, in words, for logs (a path, a server and database).</summary>
    string Description { get; }

    /// <summary>Every read of the journal.</summary>
    IJournalReader Reader { get; }

    /// <summary>Creates the schema if missing and upgrades it from any earlier version; called once, before the writer starts.</summary>
    void EnsureSchema();

    /// <summary>The transaction side of the group-commit writer, used by one writer thread only.</summary>
    IJournalBatchStore CreateBatchStore();

    /// <summary>The read models' tables and their catalog in the journal's database, beside the journal (not part of its schema version).</summary>
    IReadModelStore CreateReadModelStore();

    /// <summary>Size of the journal's storage, in bytes.</summary>
    Task<long> GetSizeBytesAsync();

    /// <summary>A consistent copy of the journal under a plain file name, or a clear refusal saying what to use instead.</summary>
    Task<BackupResult> BackupAsync(string fileName);

    /// <summary>Moves what the database keeps aside (a WAL) into its main storage, never delaying an append.</summary>
    Task<CheckpointResult> CheckpointAsync();

    // Reminders (memory time to live).

    /// <summary>Orleans' reminder table in the journal's database, beside the journal (not part of its schema version).</summary>
    IReminderDatabase CreateReminderDatabase();
}
