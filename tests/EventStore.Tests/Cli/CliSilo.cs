using System.Net;
using System.Net.Sockets;
using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventStore.Tests.Cli;

/// <summary>
/// A real silo for the CLI to talk to: an Orleans host listening on free TCP ports (the CLI connects as any client does,
/// with <c>--gateway</c>), over a journal in a temporary folder (SQLite) or a fresh database of the test run's
/// PostgreSQL server. <see cref="Client"/> is a separate client of the same gateway, for tests to write with.
/// </summary>
public class CliSilo : IAsyncLifetime
{
    private const string ServiceId = "cli-tests";
    private readonly string _clusterId = "cli-" + Guid.NewGuid().ToString("N")[..8];
    private IHost? _silo;
    private IHost? _client;
    private int _gatewayPort;

    /// <summary>The journal's backend.</summary>
    public virtual JournalProvider Provider => JournalProvider.Sqlite;

    /// <summary>A folder of this fixture's own, deleted at the end: the SQLite journal and any file a test writes.</summary>
    public string Folder { get; } = Path.Combine(Path.GetTempPath(), "eventstore-cli-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The SQLite journal file (on SQLite).</summary>
    public string DatabasePath => Path.Combine(Folder, "events.db");

    /// <summary>The PostgreSQL journal's database (on PostgreSQL).</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>A client of the silo, for tests to write and read with.</summary>
    public IClusterClient Client => _client!.Services.GetRequiredService<IClusterClient>();

    /// <summary>Raw SQL access to the journal's rows.</summary>
    public IJournalRows Rows => Provider == JournalProvider.Postgres ? new PostgresJournalRows(ConnectionString!) : new JournalFile(DatabasePath);

    /// <summary>The options that point the CLI at this silo.</summary>
    public string[] Online => ["--gateway", $"127.0.0.1:{_gatewayPort}", "--service-id", ServiceId, "--cluster-id", _clusterId];

    /// <summary>The options that open this silo's journal offline (with the test event types).</summary>
    public string[] Offline => Provider == JournalProvider.Postgres
        ? ["--postgres", ConnectionString!, "--events-assembly", typeof(NoteAdded).Assembly.Location]
        : ["--journal", DatabasePath, "--events-assembly", typeof(NoteAdded).Assembly.Location];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        if (Provider == JournalProvider.Postgres) ConnectionString = await PostgresServer.CreateDatabaseAsync("cli");
        var siloPort = FreePort();
        _gatewayPort = FreePort();
        _silo = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(orleans => orleans
                .UseLocalhostClustering(siloPort, _gatewayPort, null, ServiceId, _clusterId)
                .AddEventJournal(options =>
                {
                    options.Provider = Provider;
                    options.DatabasePath = DatabasePath;
                    options.ConnectionString = ConnectionString;
                    options.EventAssemblies.Add(typeof(NoteAdded).Assembly);
                })
                .AddEventStoreProjections())
            .Build();
        await _silo.StartAsync();
        _client = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .UseOrleansClient(client => client.UseLocalhostClustering(_gatewayPort, ServiceId, _clusterId))
            .Build();
        await _client.StartAsync();
    }

    /// <summary>Runs the CLI with <paramref name="args"/> against this silo (the connection options are added).</summary>
    public Task<CliRun> RunOnline(params string[] args) => CliRun.RunAsync([.. args, .. Online]);

    /// <summary>Runs the CLI with <paramref name="args"/> on this silo's journal, offline.</summary>
    public Task<CliRun> RunOffline(params string[] args) => CliRun.RunAsync([.. args, .. Offline]);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var host in new[] { _client, _silo })
        {
            if (host is null) continue;
            await host.StopAsync();
            host.Dispose();
        }
        if (ConnectionString is not null) await PostgresServer.DropDatabaseAsync(ConnectionString);
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { } // best effort
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A <see cref="CliSilo"/> on PostgreSQL.</summary>
public sealed class PostgresCliSilo : CliSilo
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

[CollectionDefinition(Name)]
public sealed class CliSiloCollection : ICollectionFixture<CliSilo>
{
    public const string Name = "cli";
}

[CollectionDefinition(Name)]
public sealed class PostgresCliSiloCollection : ICollectionFixture<PostgresCliSilo>
{
    public const string Name = "cli-postgres";
}

/// <summary>
/// A silo of its own for the tests that write rows past the writer with plain SQL (an old schema version, a payload that
/// is not JSON, a type no silo knows): such rows leave the stats counters behind the rows, and make the journal fail
/// <c>verify</c> and disagree with <c>stats</c>, which the tests of the shared <see cref="CliSiloCollection"/> check.
/// </summary>
[CollectionDefinition(Name)]
public sealed class CliOutsideRowsCollection : ICollectionFixture<CliSilo>
{
    public const string Name = "cli-outside-rows";
}

/// <summary>A <see cref="CliOutsideRowsCollection"/> on PostgreSQL.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCliOutsideRowsCollection : ICollectionFixture<PostgresCliSilo>
{
    public const string Name = "cli-outside-rows-postgres";
}
