using EventStore.ClientDemo;
using EventStore.Hosting;
using EventStore.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;

// Hosting only: read options, connect the Orleans client, run the scenario, print the summary, and
// turn every outcome into a clear message and exit code.

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// Failed connection attempts are reported below in one clear line; their stack traces would only bury it.
builder.Logging.AddFilter("Orleans.Runtime.Messaging.ConnectionManager", LogLevel.Error);
builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
builder.Services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);

DemoOptions demoOptions;
try
{
    builder.Configuration.AddCommandLine(args, DemoOptions.SwitchMappings);
    demoOptions = DemoOptions.From(builder.Configuration);
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine("usage: dotnet run --project src/ClientDemo [-- --gateway-port N] [--record FILE | --verify FILE]");
    return ExitCodes.BadArguments;
}

EventStoreClusterOptions cluster;
// TLS to the gateway when EventStore:Tls:Enabled is true (the same settings as the silo's); the settings are checked here.
var tlsOptions = builder.Configuration.GetSection(EventStoreTlsOptions.SectionName).Get<EventStoreTlsOptions>() ?? new();
var gateway = "";
try
{
    cluster = EventStoreClusterOptions.Read(builder.Configuration);
    // --gateway-port wins over EventStore:Cluster:GatewayPort for the one local silo.
    var localGatewayPort = builder.Configuration[DemoOptions.GatewayPortKey] is null ? cluster.GatewayPort : demoOptions.GatewayPort;
    builder.UseOrleansClient(client =>
    {
        gateway = ClusterConnection.Configure(client, cluster, localGatewayPort);
        client.UseEventStoreTls(tlsOptions)
            .AddActivityPropagation() // the scenario's traces continue into the silo (when something listens)
            .UseConnectionRetryFilter(new GatewayRetryFilter(maxAttempts: 3, TimeSpan.FromSeconds(1), Console.Out));
    });
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return ExitCodes.BadArguments;
}

using var host = builder.Build();
var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;

Console.WriteLine($"Connecting to the event-store silo at {gateway}...");
try
{
    await host.StartAsync(stopping);
}
catch (Exception ex) when (!stopping.IsCancellationRequested)
{
    Console.Error.WriteLine($"error: cannot reach the silo gateway at {gateway}: {ex.GetBaseException().Message}");
    Console.Error.WriteLine("Start the silo first (dotnet run --project src/Silo), or pass --gateway-port N.");
    Console.Error.WriteLine(tlsOptions.Enabled
        ? "TLS is on (EventStore:Tls): check that the silo trusts this client's certificate and that EventStore:Tls:AllowedThumbprints or CaCertificatesPath here trusts the silo's."
        : "If the silo uses TLS, turn it on here too (EventStore:Tls:Enabled with a certificate and the silo's thumbprint).");
    return ExitCodes.SiloUnreachable;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("Cancelled.");
    return ExitCodes.Cancelled;
}

int exitCode;
try
{
    var client = host.Services.GetRequiredService<IClusterClient>();
    if (demoOptions.VerifyPath is { } verifyPath)
    {
        Console.WriteLine($"Verifying the states recorded in {verifyPath}...");
        var mismatches = await (await StateRecord.LoadAsync(verifyPath)).VerifyAsync(client, Console.Out);
        return await StopAsync(host, mismatches == 0 ? ExitCodes.Success : ExitCodes.DemoFailed);
    }

    var cast = new DemoCast(Guid.NewGuid());
    var metadata = new Dictionary<string, string> { ["demo"] = "client-demo", ["run"] = cast.Suffix };
    var log = new ReceiptLog(cast.CorrelationId, metadata, Console.Out);

    Console.WriteLine($"Connected. Run {cast.Suffix}, correlation id {cast.CorrelationId}.");
    Console.WriteLine($"  {"#",3}  {"event type",-23} {"aggregate",-30} {"ver",-4} {"position",-11} note");

    bool liveFeedMatches;
    await using (var feed = await LiveFeed.StartAsync(client, cast))
    {
        await new DemoScenario(client, cast, log, feed, Console.Out).RunAsync(stopping);
        liveFeedMatches = feed.PrintReport(log, Console.Out);
    }
    var missing = await new SummaryReport(client, cast, log, Console.Out).PrintAsync();
    await new StoreTour(client, cast, log, Console.Out).PrintAsync();
    var timelineMatches = await new TimelineReport(client, cast, log, Console.Out).PrintAsync();
    var readModelsMatch = await new ReadModelReport(client, cast, Console.Out).PrintAsync();

    if (!liveFeedMatches || !timelineMatches)
    {
        Console.Error.WriteLine("error: the live subscription or the run's timeline disagrees with the receipts");
        exitCode = ExitCodes.DemoFailed;
    }
    else if (!readModelsMatch)
    {
        Console.Error.WriteLine("error: the read models disagree with the journal");
        exitCode = ExitCodes.DemoFailed;
    }
    else if (missing.Count > 0)
    {
        Console.Error.WriteLine($"error: the scenario did not append {missing.Count} event type(s): {string.Join(", ", missing)}");
        exitCode = ExitCodes.DemoFailed;
    }
    else
    {
        if (demoOptions.RecordPath is { } recordPath)
        {
            await (await StateRecord.CaptureAsync(client, log.Receipts)).SaveAsync(recordPath);
            Console.WriteLine($"Recorded {log.Receipts.Count} receipts and the states of their aggregates in {recordPath}.");
        }
        Console.WriteLine();
        Console.WriteLine("Demo completed successfully.");
        exitCode = ExitCodes.Success;
    }
}
catch (OperationCanceledException) when (stopping.IsCancellationRequested)
{
    Console.Error.WriteLine("Cancelled.");
    exitCode = ExitCodes.Cancelled;
}
catch (Exception ex) when (ex is SiloUnavailableException or ConnectionFailedException or GatewayTooBusyException)
{
    Console.Error.WriteLine($"error: lost the connection to the silo at {gateway}: {ex.Message}");
    exitCode = ExitCodes.SiloUnreachable;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"error: the demo failed unexpectedly: {ex.GetType().FullName}: {ex.Message}");
    exitCode = ExitCodes.DemoFailed;
}

return await StopAsync(host, exitCode);

static async Task<int> StopAsync(IHost host, int exitCode)
{
    try
    {
        using var shutdownTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await host.StopAsync(shutdownTimeout.Token);
    }
    catch (Exception ex)
    {
        Console.Error.WriteLine($"warning: the client did not shut down cleanly: {ex.Message}");
    }
    return exitCode;
}
