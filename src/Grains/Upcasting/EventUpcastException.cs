namespace EventStore.Upcasting;

/// <summary>
/// A stored payload could not be brought to its type's current version: an upcaster failed, no upcaster reads its
/// version, or a newer silo wrote it (<see cref="IsNewerVersion"/>). The row becomes an <c>UnreadableEvent</c>.
/// </summary>
internal sealed class EventUpcastException(string message, Exception? inner = null, bool isNewerVersion = false) : Exception(message, inner)
{
    /// <summary>True when the payload's version is above the registered one: like an unknown type, a newer silo wrote it.</summary>
    public bool IsNewerVersion { get; } = isNewerVersion;
}
