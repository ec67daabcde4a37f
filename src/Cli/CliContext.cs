using System.CommandLine;
using EventStore.Cli.Connection;
using EventStore.Cli.Output;
using EventStore.Errors;
using Orleans.Runtime;

namespace EventStore.Cli;

/// <summary>
/// What every command shares: the console, the options that say where the store is, and <see cref="RunAsync"/>, the one
/// place that opens the store, runs a command's body and turns every failure into a one-line error and an exit code.
/// </summary>
internal sealed class CliContext(CliConsole console, StoreOptions options)
{
    /// <summary>The console commands write to.</summary>
    public CliConsole Console => console;

    /// <summary>The options every command takes.</summary>
    public StoreOptions Options => options;

    /// <summary>Opens the store the command line names, runs <paramref name="body"/> on it, and closes it.</summary>
    public async Task<int> RunAsync(ParseResult parse, Func<StoreSession, CliOutput, Task<int>> body, CancellationToken cancellationToken) =>
        await GuardAsync(parse, async output =>
        {
            await using var session = await StoreSession.OpenAsync(StoreTarget.From(parse, options), console, cancellationToken);
            return await body(session, output);
        }, cancellationToken);

    /// <summary>Runs <paramref name="body"/> (a command that opens what it needs itself), mapping failures to exit codes.</summary>
    public async Task<int> GuardAsync(ParseResult parse, Func<CliOutput, Task<int>> body, CancellationToken cancellationToken)
    {
        var output = new CliOutput(console, parse.GetValue(options.Json));
        try
        {
            return await body(output);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine("Cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (CliException ex)
        {
            return Fail(ex.ExitCode, ex.Message);
        }
        catch (JournalUnavailableException ex)
        {
            return Fail(ExitCodes.Unreachable, ex.Message);
        }
        catch (EventStoreException ex)
        {
            return Fail(ExitCodes.Refused, ex.Message);
        }
        catch (Exception ex) when (ex is SiloUnavailableException or OrleansMessageRejectionException or TimeoutException or Orleans.Runtime.Messaging.ConnectionFailedException)
        {
            return Fail(ExitCodes.Unreachable, $"lost the connection to the cluster: {ex.GetBaseException().Message}");
        }
    }

    private int Fail(int exitCode, string message)
    {
        console.Error.WriteLine($"error: {message}");
        return exitCode;
    }
}
