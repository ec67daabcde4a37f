namespace EventStore.Cli;

/// <summary>A failure the CLI reports as one line on standard error with its exit code (see <see cref="ExitCodes"/>).</summary>
internal sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The process exit code to end with.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>The command line asks for something impossible.</summary>
    public static CliException BadArguments(string message) => new(ExitCodes.BadArguments, message);

    /// <summary>The store could not be reached.</summary>
    public static CliException Unreachable(string message, Exception? inner = null) => new(ExitCodes.Unreachable, message, inner);

    /// <summary>The store refused the request.</summary>
    public static CliException Refused(string message) => new(ExitCodes.Refused, message);
}
