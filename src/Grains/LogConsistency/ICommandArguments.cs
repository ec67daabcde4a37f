namespace EventStore.LogConsistency;

/// <summary>
/// Implemented by a grain whose events answer commands: the caller-given arguments (JSON) of the command an
/// entry being raised answers, so that the journal stores the request's fingerprint (see <c>EventRequest</c>).
/// </summary>
internal interface ICommandArguments
{
    /// <summary>The arguments of the command that raised <paramref name="entry"/> right now, or null.</summary>
    string? ArgumentsOf(object entry);
}
