namespace EventStore.Admin;

/// <summary>Why an import stopped.</summary>
public enum JournalImportProblem
{
    /// <summary>The input is not an export of this store (no header, another format or version); nothing was written.</summary>
    NotAnExport,

    /// <summary>A line of the export is damaged, missing or out of order (named by <see cref="JournalImportException.LineNumber"/>).</summary>
    BadLine,

    /// <summary>The target journal holds events already; nothing was written.</summary>
    TargetNotEmpty,

    /// <summary>The target journal refused a line's events (an event id or stream it holds otherwise).</summary>
    Refused,
}

/// <summary>An import stopped; the message names the line and what was wrong, and <see cref="EventsWritten"/> says what the target holds.</summary>
public sealed class JournalImportException(JournalImportProblem problem, long lineNumber, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Why it stopped.</summary>
    public JournalImportProblem Problem { get; } = problem;

    /// <summary>The 1-based line of the export it stopped at; 0 when no line is to blame.</summary>
    public long LineNumber { get; } = lineNumber;

    /// <summary>Events committed to the target before the stop (0 unless the target refused a line part way).</summary>
    public long EventsWritten { get; init; }
}
