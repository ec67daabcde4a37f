namespace EventStore.ClientDemo;

/// <summary>The process exit codes of the demo.</summary>
internal static class ExitCodes
{
    /// <summary>The whole scenario ran and every event type was appended.</summary>
    public const int Success = 0;

    /// <summary>A command failed unexpectedly, or the scenario did not cover every event type.</summary>
    public const int DemoFailed = 1;

    /// <summary>The command line or configuration is invalid.</summary>
    public const int BadArguments = 2;

    /// <summary>The silo gateway could not be reached, or the connection to it was lost.</summary>
    public const int SiloUnreachable = 3;

    /// <summary>The user pressed Ctrl+C.</summary>
    public const int Cancelled = 130;
}
