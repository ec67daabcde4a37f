using Spectre.Console;

namespace EventStore.Cli;

/// <summary>
/// Where a command writes: results to <see cref="Out"/> (tables and progress through <see cref="Ansi"/>, or JSON), errors to
/// <see cref="Error"/>. Tests pass string writers; the process passes the console.
/// </summary>
internal sealed class CliConsole
{
    public CliConsole(TextWriter output, TextWriter error, bool interactive)
    {
        (Out, Error, Interactive) = (output, error, interactive);
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!interactive) Ansi.Profile.Width = 200; // wide enough that tables in files and tests do not wrap
    }

    /// <summary>Standard output and error of the process; interactive (colours, live progress) when output is a terminal.</summary>
    public static CliConsole Standard() => new(Console.Out, Console.Error, interactive: !Console.IsOutputRedirected);

    /// <summary>Results.</summary>
    public TextWriter Out { get; }

    /// <summary>Errors and warnings.</summary>
    public TextWriter Error { get; }

    /// <summary>Whether output is a terminal (live progress bars) rather than a file, a pipe or a test.</summary>
    public bool Interactive { get; }

    /// <summary>Spectre.Console over <see cref="Out"/>, for tables and progress.</summary>
    public IAnsiConsole Ansi { get; }
}
