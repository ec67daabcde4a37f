namespace EventStore.Errors;

/// <summary>
/// The journal could not commit (disk full, file read-only, database locked, timed out…). The append
/// was not acknowledged and is not in the journal; retrying later is safe.
/// </summary>
[GenerateSerializer]
public sealed class JournalUnavailableException : EventStoreException
{
    /// <summary>Creates the error.</summary>
    public JournalUnavailableException(string message, Exception? inner = null) : base(message, inner) { }
}
