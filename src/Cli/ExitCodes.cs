namespace EventStore.Cli;

/// <summary>The CLI's exit codes, the same for every command (the README lists them).</summary>
internal static class ExitCodes
{
    /// <summary>The command did what it was asked.</summary>
    public const int Success = 0;

    /// <summary>The command ran and found something wrong: <c>verify</c> found a problem, an <c>import</c> stopped part way.</summary>
    public const int Failed = 1;

    /// <summary>The command line is invalid (unknown option, missing argument, options that exclude each other).</summary>
    public const int BadArguments = 2;

    /// <summary>The store could not be reached: no silo at the gateway, no journal file, the database refused the connection.</summary>
    public const int Unreachable = 3;

    /// <summary>The store refused the request and said why (an unknown aggregate, a malformed filter, a journal that is not empty).</summary>
    public const int Refused = 4;

    /// <summary>Interrupted (Ctrl+C).</summary>
    public const int Cancelled = 130;
}
