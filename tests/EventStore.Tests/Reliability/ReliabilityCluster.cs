using System.Diagnostics;
using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;

namespace EventStore.Tests.Reliability;

/// <summary>
/// A private in-process cluster for the reliability tests: its own journal file (or one shared on
/// purpose with another cluster), its own cluster and service ids, and journal and projection settings
/// of the test's choosing. Disposing it stops the silo and releases every SQLite file handle.
/// </summary>
public sealed class ReliabilityCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;

    private ReliabilityCluster(InProcessTestCluster cluster, string databasePath, string? postgres) =>
        (_cluster, DatabasePath, PostgresConnectionString) = (cluster, databasePath, postgres);

    /// <summary>The journal file on SQLite; on both backends the file of the projections' grain storage.</summary>
    public string DatabasePath { get; }

    /// <summary>The PostgreSQL database of the journal, or null when the journal is the SQLite file.</summary>
    public string? PostgresConnectionString { get; }

    /// <summary>A client of this cluster.</summary>
    public IClusterClient Client => _cluster.Client;

    /// <summary>Plain SQL on the journal's rows (the file, or the PostgreSQL database).</summary>
    public IJournalRows Journal => PostgresConnectionString is null ? new JournalFile(DatabasePath) : new PostgresJournalRows(PostgresConnectionString);

    /// <summary>The silo's own journal object (to hold its writer, or read its counters).</summary>
    internal EventJournal SiloJournal => _cluster.Silos[0].ServiceProvider.GetRequiredService<EventJournal>();

    /// <summary>The journal settings of the first silo.</summary>
    internal JournalOptions SiloOptions => _cluster.Silos[0].ServiceProvider.GetRequiredService<JournalOptions>();

    /// <summary>A service of the first silo's container.</summary>
    internal T SiloService<T>() where T : notnull => _cluster.Silos[0].ServiceProvider.GetRequiredService<T>();

    /// <summary>A new journal path in a fresh temporary folder.</summary>
    public static string NewDatabasePath() =>
        Path.Combine(Path.GetTempPath(), "eventstore-tests", "reliability", Guid.NewGuid().ToString("N"), "events.db");

    /// <summary>
    /// Starts a one-silo cluster on <paramref name="databasePath"/> (or, given <paramref name="postgres"/>, with its journal in that
    /// PostgreSQL database and only the projections' grain storage in the file); <paramref name="configureSilo"/> adds services first (a log provider, a clock…).
    /// </summary>
    public static async Task<ReliabilityCluster> StartAsync(
        string databasePath, Action<JournalOptions>? journal = null, Action<ProjectionOptions>? projections = null,
        string? clusterId = null, string serviceId = "event-store-reliability", Action<ISiloBuilder>? configureSilo = null, string? postgres = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.Options.ConfigureFileLogging = false;
        builder.Options.ServiceId = serviceId;
        if (clusterId is not null) builder.Options.ClusterId = clusterId;
        builder.ConfigureSilo((_, silo) => { configureSilo?.Invoke(silo); silo
            .AddSqliteEventJournal(options =>
            {
                options.DatabasePath = databasePath;
                if (postgres is not null) (options.Provider, options.ConnectionString) = (JournalProvider.Postgres, postgres);
                options.EventAssemblies.Add(typeof(NoteAdded).Assembly);
                journal?.Invoke(options);
            })
            .AddEventStoreProjections(options =>
            {
                options.FlushInterval = TimeSpan.FromMilliseconds(200);
                projections?.Invoke(options);
            }); });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new ReliabilityCluster(cluster, databasePath, postgres);
    }

    /// <summary>Deactivates a grain, so that its next call rebuilds it from the journal.</summary>
    public Task DeactivateAsync(IAddressable grain) => _cluster.DeactivateAsync(grain);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _cluster.StopAllSilosAsync();
        }
        finally
        {
            await _cluster.DisposeAsync();
            SqliteConnection.ClearAllPools();
        }
    }

    /// <summary>
    /// The journal database for <see cref="StartAsync"/>'s <c>postgres</c> on the given backend: a fresh PostgreSQL database
    /// of the test run's server (its connection string), or null on SQLite, whose journal is the file.
    /// </summary>
    public static async Task<string?> NewPostgresDatabaseAsync(JournalProvider provider) =>
        provider == JournalProvider.Postgres ? await PostgresServer.CreateDatabaseAsync("reliability") : null;

    /// <summary>Drops a database made by <see cref="NewPostgresDatabaseAsync"/> (nothing on SQLite).</summary>
    public static async Task DropPostgresDatabaseAsync(string? connectionString)
    {
        if (connectionString is not null) await PostgresServer.DropDatabaseAsync(connectionString);
    }

    /// <summary>Deletes the folder of a journal made by <see cref="NewDatabasePath"/> (best effort).</summary>
    public static void DeleteFolder(string databasePath)
    {
        try { Directory.Delete(Path.GetDirectoryName(databasePath)!, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Runs a command-line tool (chattr, mount…) and returns its exit code and output.</summary>
internal static class Shell
{
    public static (int ExitCode, string Output) Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30))) process.Kill();
        return (process.ExitCode, (stdout.Result + stderr).Trim());
    }

    /// <summary>Runs it and fails the test with its output if it does not succeed.</summary>
    public static void Require(string program, params string[] arguments)
    {
        var (code, text) = Run(program, arguments);
        Assert.True(code == 0, $"`{program} {string.Join(' ', arguments)}` failed (exit {code}): {text}");
    }
}

/// <summary>Polls until a condition holds, within a generous bound (never a timing assertion: only a guard against hanging).</summary>
internal static class Poll
{
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) Assert.Fail($"{what}: still not the case after {(within ?? TimeSpan.FromSeconds(30)).TotalSeconds} s; last value {value}");
            await Task.Delay(100);
        }
    }
}
