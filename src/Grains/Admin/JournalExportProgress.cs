namespace EventStore.Admin;

/// <summary>How far an export or an import is: events done so far of about how many in all.</summary>
/// <param name="Events">Events exported, or imported and committed, so far.</param>
/// <param name="ExpectedEvents">The events it will have done at the end (for an export an upper bound: the positions it covers).</param>
public sealed record JournalExportProgress(long Events, long ExpectedEvents);
