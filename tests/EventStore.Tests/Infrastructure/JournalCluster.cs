using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Journal.Postgres;
using EventStore.Journal.Sqlite;
using EventStore.Projections;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace EventStore.Tests.Infrastructure;

/// <summary>
/// A real in-process Orleans cluster on a real journal: a SQLite file in a temporary folder, or (when <see cref="Provider"/>
/// says PostgreSQL) a fresh database of the test run's server (<see cref="PostgresServer"/>). One per test collection and
/// backend; tests use unique aggregate ids so they never see each other's streams.
/// </summary>
public class JournalCluster : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eventstore-tests", Guid.NewGuid().ToString("N"));
    private InProcessTestCluster? _cluster;

    /// <summary>The journal's backend: SQLite here, PostgreSQL in the subclasses that say so.</summary>
    public virtual JournalProvider Provider => JournalProvider.Sqlite;

    /// <summary>
    /// The SQLite file: the journal on SQLite; on both backends the projections' grain storage
    /// (<see cref="ProjectionStorage"/>), which stays in SQLite.
    /// </summary>
    public string DatabasePath => Path.Combine(_folder, "events.db");

    /// <summary>The PostgreSQL journal's database (null on SQLite); the same one across <see cref="RestartAsync"/>.</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>The running cluster.</summary>
    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>A client connected to the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>Raw SQL access to the journal's rows, independent of the code under test.</summary>
    public IJournalRows Journal => Provider == JournalProvider.Postgres
        ? new PostgresJournalRows(ConnectionString ?? throw new InvalidOperationException("The cluster is not started."))
        : new JournalFile(DatabasePath);

    /// <summary>Journal settings on top of the test defaults.</summary>
    protected virtual void ConfigureJournal(JournalOptions options) { }

    /// <summary>Projection settings on top of the defaults.</summary>
    protected virtual void ConfigureProjections(ProjectionOptions options) { }

    /// <summary>More silo settings, after the journal and the projections.</summary>
    protected virtual void ConfigureSilo(ISiloBuilder silo) { }

    /// <summary>More client settings.</summary>
    protected virtual void ConfigureClient(IClientBuilder client) { }

    /// <summary>Runs on the empty journal (its folder made, its database created) before the first silo opens it: to lay down an older schema, say.</summary>
    protected virtual void Prepare() { }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        if (Provider == JournalProvider.Postgres) ConnectionString = await PostgresServer.CreateDatabaseAsync("cluster_" + GetType().Name);
        Directory.CreateDirectory(_folder);
        Prepare();
        await StartAsync();
    }

    /// <summary>
    /// Stops every silo and starts a new cluster on the same journal (file or database); <paramref name="whileStopped"/>
    /// runs in between, while no silo runs.
    /// </summary>
    public async Task RestartAsync(Func<Task>? whileStopped = null)
    {
        await StopAsync();
        if (whileStopped is not null) await whileStopped();
        await StartAsync();
    }

    /// <summary>Deactivates a grain, so that its next call rebuilds it from the journal.</summary>
    public Task DeactivateAsync(IAddressable grain) => Cluster.DeactivateAsync(grain);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await StopAsync();
        if (ConnectionString is not null) await PostgresServer.DropDatabaseAsync(ConnectionString);
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort
    }

    private async Task StartAsync()
    {
        Directory.CreateDirectory(_folder);
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = "event-store-tests";
        builder.ConfigureSilo((_, silo) => ConfigureSilo(silo
            .AddSqliteEventJournal(options =>
            {
                options.DatabasePath = DatabasePath;
                options.Provider = Provider;
                options.ConnectionString = ConnectionString;
                options.EventAssemblies.Add(typeof(NoteAdded).Assembly);
                ConfigureJournal(options);
            })
            .AddEventStoreProjections(ConfigureProjections)));
        builder.ConfigureClient(ConfigureClient);
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        // The tests of both backends are the same code: make sure this cluster's journal is the one it claims to be.
        var backend = _cluster.Silos[0].ServiceProvider.GetRequiredService<IJournalBackend>();
        if (backend is not (PostgresJournalBackend or SqliteJournalBackend) || backend is PostgresJournalBackend != (Provider == JournalProvider.Postgres))
            throw new InvalidOperationException($"The cluster was meant to run on {Provider} but its journal is {backend.GetType().Name}.");
    }

    private async Task StopAsync()
    {
        if (_cluster is null) return;
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
        _cluster = null;
    }
}

/// <summary>A <see cref="JournalCluster"/> on PostgreSQL.</summary>
public class PostgresJournalCluster : JournalCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

/// <summary>The SQLite cluster shared by the tests of the <c>cluster</c> collection.</summary>
[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<JournalCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "cluster";
}

/// <summary>The PostgreSQL cluster shared by the tests of the <c>cluster-postgres</c> collection: the same tests as <see cref="SharedClusterCollection"/>.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresClusterCollection : ICollectionFixture<PostgresJournalCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "cluster-postgres";
}
