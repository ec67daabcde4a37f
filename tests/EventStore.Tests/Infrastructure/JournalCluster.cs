using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Projections;
using Orleans.TestingHost;

namespace EventStore.Tests.Infrastructure;

/// <summary>
/// A real in-process Orleans cluster on a real SQLite journal file in a temporary folder. One per test
/// collection; tests use unique aggregate ids so they never see each other's streams.
/// </summary>
public class JournalCluster : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "eventstore-tests", Guid.NewGuid().ToString("N"));
    private InProcessTestCluster? _cluster;

    /// <summary>The journal file.</summary>
    public string DatabasePath => Path.Combine(_folder, "events.db");

    /// <summary>The running cluster.</summary>
    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>A client connected to the cluster.</summary>
    public IClusterClient Client => Cluster.Client;

    /// <summary>Raw SQL access to the journal file, independent of the code under test.</summary>
    public JournalFile Journal => new(DatabasePath);

    /// <summary>Journal settings on top of the test defaults.</summary>
    protected virtual void ConfigureJournal(JournalOptions options) { }

    /// <summary>Projection settings on top of the defaults.</summary>
    protected virtual void ConfigureProjections(ProjectionOptions options) { }

    /// <inheritdoc />
    public Task InitializeAsync() => StartAsync();

    /// <summary>Stops every silo and starts a new cluster on the same journal file.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    /// <summary>Deactivates a grain, so that its next call rebuilds it from the journal.</summary>
    public Task DeactivateAsync(IAddressable grain) => Cluster.DeactivateAsync(grain);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await StopAsync();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { } // best effort
    }

    private async Task StartAsync()
    {
        Directory.CreateDirectory(_folder);
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = "event-store-tests";
        builder.ConfigureSilo((_, silo) => silo
            .AddSqliteEventJournal(options =>
            {
                options.DatabasePath = DatabasePath;
                options.EventAssemblies.Add(typeof(NoteAdded).Assembly);
                ConfigureJournal(options);
            })
            .AddEventStoreProjections(ConfigureProjections));
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

/// <summary>The cluster shared by the tests of the <c>cluster</c> collection.</summary>
[CollectionDefinition(Name)]
public sealed class SharedClusterCollection : ICollectionFixture<JournalCluster>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "cluster";
}
