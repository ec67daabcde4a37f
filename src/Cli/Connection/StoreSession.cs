using EventStore.Admin;
using EventStore.Errors;
using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EventStore.Cli.Connection;

/// <summary>
/// A command's connection to the store: <see cref="Store"/> is the same surface either way (the cluster's
/// <see cref="IEventStoreGrain"/>, or the journal opened offline). <see cref="Client"/> is set for a cluster only,
/// <see cref="Journal"/> offline only; <see cref="RequireCluster"/> and <see cref="RequireJournal"/> say so clearly.
/// </summary>
internal sealed class StoreSession : IAsyncDisposable
{
    private readonly IHost? _host;

    private StoreSession(IEventStore store, string description, IHost? host, IClusterClient? client, OfflineJournal? journal) =>
        (Store, Description, _host, Client, Journal) = (store, description, host, client, journal);

    /// <summary>The event store's operations.</summary>
    public IEventStore Store { get; }

    /// <summary>What the session is connected to, for messages.</summary>
    public string Description { get; }

    /// <summary>The Orleans client, when connected to a cluster.</summary>
    public IClusterClient? Client { get; }

    /// <summary>The journal, when opened offline.</summary>
    public OfflineJournal? Journal { get; }

    /// <summary>The cluster client; refuses, naming the command, when the session is offline.</summary>
    public IClusterClient RequireCluster(string command) => Client ?? throw CliException.BadArguments(
        $"'{command}' needs a running silo or cluster (--gateway or --cluster-db), not a journal opened offline.");

    /// <summary>The journal; refuses, naming the command, when the session is a cluster.</summary>
    public OfflineJournal RequireJournal(string command) => Journal ?? throw CliException.BadArguments(
        $"'{command}' works on the journal's database itself: pass --journal FILE or --postgres CONNECTION-STRING.");

    /// <summary>Connects to <paramref name="target"/>; throws a <see cref="CliException"/> (exit code 3) if it cannot be reached.</summary>
    public static async Task<StoreSession> OpenAsync(StoreTarget target, CliConsole console, CancellationToken cancellationToken) => target switch
    {
        StoreTarget.Offline offline => OpenOffline(offline.Options),
        StoreTarget.Cluster cluster => await ConnectAsync(cluster.Options, console, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };

    /// <summary>Opens a journal to write into (an import's target): an SQLite file is created if missing.</summary>
    public static StoreSession OpenForWriting(JournalOptions options) => OpenOffline(options, create: true);

    private static StoreSession OpenOffline(JournalOptions options, bool create = false)
    {
        try
        {
            var journal = OfflineJournal.Open(options, create);
            return new StoreSession(journal.Store, journal.Description, host: null, client: null, journal);
        }
        catch (JournalNotFoundException ex)
        {
            throw CliException.Unreachable(ex.Message);
        }
        catch (ArgumentException ex)
        {
            throw CliException.BadArguments(ex.Message);
        }
        catch (JournalUnavailableException ex)
        {
            throw CliException.Unreachable($"cannot open the journal: {ex.Message}", ex);
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            throw CliException.Unreachable($"cannot open the journal: {ex.Message}", ex);
        }
    }

    private static async Task<StoreSession> ConnectAsync(EventStoreClusterOptions cluster, CliConsole console, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders(); // standard output is the command's result (JSON for scripts): no log lines in it
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        var description = "";
        builder.UseOrleansClient(client =>
        {
            description = ClusterConnection.Configure(client, cluster, cluster.GatewayPort);
            client.UseConnectionRetryFilter(new GatewayRetryFilter(maxAttempts: 2, TimeSpan.FromMilliseconds(500), TextWriter.Null));
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            throw CliException.Unreachable(
                $"cannot reach the silo gateway at {description}: {ex.GetBaseException().Message}. Start the silo (dotnet run --project src/Silo), "
                + "or say where it is with --gateway ip:port / --cluster-db, and --service-id / --cluster-id if they are not the defaults.", ex);
        }
        var client = host.Services.GetRequiredService<IClusterClient>();
        return new StoreSession(new GrainEventStore(client.GetEventStore()), description, host, client, journal: null);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Journal?.Dispose();
        if (_host is not null)
        {
            try
            {
                await _host.StopAsync(TimeSpan.FromSeconds(5));
            }
#pragma warning disable CA1031 // whatever stopping fails with, the command's own result stands
            catch (Exception)
#pragma warning restore CA1031
            {
                // The silo may be gone already: there is nothing left to close gracefully.
            }
            _host.Dispose();
        }
    }
}
