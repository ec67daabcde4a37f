namespace EventStore.Errors;

/// <summary>
/// Base of every error the event store raises on purpose. When one is thrown, nothing was written.
/// The message names what was wrong; the derived type and its properties say it to code.
/// </summary>
[GenerateSerializer]
public abstract class EventStoreException : Exception
{
    /// <summary>Creates the error with its message.</summary>
    protected EventStoreException(string message, Exception? inner = null) : base(message, inner) { }
}
