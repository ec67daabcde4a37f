using System.Text.Json;
using EventStore.Cli;

namespace EventStore.Tests.Cli;

/// <summary>One run of the CLI in this process, as a user would type it: its exit code, standard output and standard error.</summary>
public sealed record CliRun(string[] Args, int ExitCode, string Out, string Error)
{
    /// <summary>Runs the CLI's entry point with <paramref name="args"/>, capturing its output (not a terminal: no colours, no live progress).</summary>
    public static async Task<CliRun> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, new CliConsole(output, error, interactive: false), cancellationToken);
        return new CliRun(args, exitCode, output.ToString(), error.ToString());
    }

    /// <summary>Standard output as one JSON document (after <c>--json</c>).</summary>
    public JsonElement Json => JsonDocument.Parse(Out).RootElement;

    /// <summary>Standard output as JSON lines (event listings with <c>--json</c>).</summary>
    public IReadOnlyList<JsonElement> JsonLines =>
        [.. Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(line => JsonDocument.Parse(line).RootElement)];

    /// <summary>Asserts the exit code, showing the output when it is not the expected one.</summary>
    public CliRun ExitsWith(int expected)
    {
        Assert.True(ExitCode == expected, $"'{string.Join(' ', Args)}' exited with {ExitCode}, not {expected}.\nstdout:\n{Out}\nstderr:\n{Error}");
        return this;
    }
}
