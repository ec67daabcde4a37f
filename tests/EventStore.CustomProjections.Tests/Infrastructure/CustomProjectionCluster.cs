using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Tests.Infrastructure;
using Orleans.TestingHost;

namespace EventStore.CustomProjections.Tests.Infrastructure;

/// <summary>
/// A real in-process Orleans silo on a real journal (a SQLite file in a temporary folder, or a fresh database of the
/// test run's PostgreSQL server), configured as an application would: the journal, the projections, and this
/// project's own projections with <c>AddProjection&lt;T&gt;()</c>. It can be restarted on the same journal, with or
/// without the application's projections (to write events while no silo runs them).
/// </summary>
public class CustomProjectionCluster : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eventstore-custom-projections", Guid.NewGuid().ToString("N"));
    private InProcessTestCluster? _cluster;
    private bool _withOwnProjections = true;

    /// <summary>The journal's backend.</summary>
    public virtual JournalProvider Provider => JournalProvider.Sqlite;

    /// <summary>The PostgreSQL journal's database (null on SQLite).</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>A client connected to the cluster.</summary>
    public IClusterClient Client => (_cluster ?? throw new InvalidOperationException("The cluster is not started.")).Client;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Provider == JournalProvider.Postgres) ConnectionString = await PostgresServer.CreateDatabaseAsync("custom_projections");
        Directory.CreateDirectory(_folder);
        await StartAsync();
    }

    /// <summary>Stops the silo and starts a new one on the same journal, running this project's projections or not.</summary>
    public async Task RestartAsync(bool withOwnProjections = true)
    {
        await StopAsync();
        _withOwnProjections = withOwnProjections;
        await StartAsync();
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await StopAsync();
        if (ConnectionString is not null) await PostgresServer.DropDatabaseAsync(ConnectionString);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort
    }

    /// <summary>
    /// Configures a silo as an application would. Catch-up reads pages of 2 events, so that a projection started on
    /// many unapplied events is seen behind before it has caught up (it reads 4 pages before its first answer).
    /// </summary>
    public static void Configure(ISiloBuilder silo, JournalProvider provider, string databasePath, string? connectionString, Action<ISiloBuilder> projections) =>
        projections(silo
            .AddSqliteEventJournal(options =>
            {
                options.DatabasePath = databasePath;
                options.Provider = provider;
                options.ConnectionString = connectionString;
            })
            .AddEventStoreProjections(options => options.CatchUpPageSize = 2));

    private async Task StartAsync()
    {
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => Configure(silo, Provider, Path.Combine(_folder, "events.db"), ConnectionString, projections =>
        {
            if (_withOwnProjections) projections.AddProjection<WorkSummary.WorkSummaryProjection>().AddProjection<AgentCounts>().AddProjection<TaskCounts>();
        }));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    private async Task StopAsync()
    {
        if (_cluster is null) return;
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        _cluster = null;
    }
}

/// <summary>The cluster on PostgreSQL.</summary>
public sealed class PostgresCustomProjectionCluster : CustomProjectionCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

/// <summary>The tests sharing the SQLite cluster.</summary>
[CollectionDefinition(Name)]
public sealed class SqliteCollection : ICollectionFixture<CustomProjectionCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "custom projections on SQLite";
}

/// <summary>The tests sharing the PostgreSQL cluster.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresCustomProjectionCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "custom projections on PostgreSQL";
}
