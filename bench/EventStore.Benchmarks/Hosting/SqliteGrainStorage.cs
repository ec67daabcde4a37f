using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Storage;

namespace EventStore.Benchmarks.Hosting;

/// <summary>
/// Orleans grain storage (<c>[PersistentState(stateName, name)]</c>) in a SQLite file, for the LogStorage baseline
/// (the product keeps read models in its own tables, not in grain storage): <c>Microsoft.Orleans.Persistence.AdoNet</c> on Microsoft.Data.Sqlite, with the
/// project's SQL script (<c>SqliteGrainStorage.sql</c>) installed at silo start.
/// </summary>
internal static partial class SqliteGrainStorageSiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant that Orleans maps to Microsoft.Data.Sqlite.</summary>
    public const string Invariant = "System.Data.SQLite";

    /// <summary>How long a statement waits for the write lock (the journal's writer holds it at times).</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(30);

    private const string ScriptResourceSuffix = "SqliteGrainStorage.sql";

    /// <summary>
    /// Adds a grain storage provider named <paramref name="name"/> that keeps grain state in the SQLite
    /// file at <paramref name="databasePath"/> (the folder and file are created if missing).
    /// </summary>
    /// <remarks>
    /// <para>
    /// At silo start, before the provider reads its queries, the embedded script runs in one transaction
    /// with the file in WAL mode: it creates the <c>OrleansQuery</c> and <c>OrleansStorage</c> tables if
    /// missing and rewrites the storage queries. Nothing else in the file (such as the journal's
    /// <c>events</c> and <c>snapshots</c>) is touched.
    /// </para>
    /// <para>
    /// Rows are keyed by the silo's ServiceId, the state name and the <em>whole</em> grain id. The stock
    /// ADO.NET provider keys rows by the state name and the parsed grain key only, so two grain types
    /// with the same key and state name would share one row, and string keys that parse as hexadecimal
    /// numbers ("20235" and "020235") would collide; this provider passes the state name joined to the
    /// grain id instead, so neither can happen.
    /// </para>
    /// <para>
    /// ETags are row versions (optimistic concurrency): a write or clear from an activation whose
    /// ETag is stale fails with <see cref="InconsistentStateException"/>. State is serialized with the
    /// silo's default <see cref="IGrainStorageSerializer"/> (JSON unless the host changed it), stored as
    /// UTF-8 bytes in <c>PayloadBinary</c>. Fix <c>ClusterOptions.ServiceId</c> wherever state must survive
    /// a restart.
    /// </para>
    /// <para>
    /// Microsoft.Data.Sqlite runs its "async" methods synchronously, so a storage call blocks its thread
    /// while it waits for the write lock (at most <see cref="BusyTimeout"/>).
    /// </para>
    /// </remarks>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The provider name that grains give in <c>[PersistentState(stateName, name)]</c>.</param>
    /// <param name="databasePath">Returns the SQLite file's path, given the silo's services.</param>
    /// <param name="configure">
    /// Optional changes to the ADO.NET options after the defaults are set, such as
    /// <see cref="AdoNetGrainStorageOptions.DeleteStateOnClear"/> or another
    /// <see cref="AdoNetGrainStorageOptions.GrainStorageSerializer"/>.
    /// </param>
    /// <returns>The silo builder.</returns>
    public static ISiloBuilder AddSqliteGrainStorage(this ISiloBuilder builder, string name, Func<IServiceProvider, string> databasePath,
        Action<AdoNetGrainStorageOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(databasePath);

        builder.AddAdoNetGrainStorage(name, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
            options.Configure<IServiceProvider>((o, services) =>
            {
                o.Invariant = Invariant;
                o.ConnectionString = ConnectionString(databasePath(services));
                configure?.Invoke(o);
            }));

        // Replaces the keyed IGrainStorage that AddAdoNetGrainStorage registered (the last keyed registration
        // wins). Orleans' own lifecycle registration resolves this key too, so the wrapper must forward
        // Participate; it also installs the script before the provider reads its queries.
        builder.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) => new GrainIdScopedStorage(
            AdoNetGrainStorageFactory.Create(services, name),
            name,
            services.GetRequiredService<IOptionsMonitor<AdoNetGrainStorageOptions>>().Get(name),
            services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SqliteGrainStorageSiloBuilderExtensions).FullName!)));
        return builder;
    }

    /// <summary>
    /// The value this provider passes to the ADO.NET provider as "grain type" (stored in
    /// <c>OrleansStorage.GrainTypeString</c>): the state name and the full grain id, escaped so that
    /// different pairs never give the same text.
    /// </summary>
    internal static string StorageKey(string stateName, GrainId grainId) => $"{Escape(stateName)}@{Escape(grainId.ToString())}";

    /// <summary>The connection string used for grain storage on <paramref name="databasePath"/>.</summary>
    internal static string ConnectionString(string databasePath) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.GetFullPath(databasePath),
        Mode = SqliteOpenMode.ReadWriteCreate,
        Cache = SqliteCacheMode.Private,
        Pooling = true,
        DefaultTimeout = (int)BusyTimeout.TotalSeconds,
    }.ToString();

    /// <summary>Runs the embedded script on the database: WAL mode, then tables and queries in one transaction.</summary>
    internal static void InstallSchema(string connectionString, ILogger logger)
    {
        var databasePath = new SqliteConnectionStringBuilder(connectionString).DataSource;
        if (Path.GetDirectoryName(databasePath) is { Length: > 0 } folder) Directory.CreateDirectory(folder);

        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode = WAL;";
            var mode = pragma.ExecuteScalar() as string;
            if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase)) LogNotWal(logger, databasePath, mode);
        }

        // BEGIN IMMEDIATE: take the write lock up front (waiting for the journal's writer if needed),
        // so silos starting together on one file run the script one after the other.
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = Script.Value;
        command.ExecuteNonQuery();
        transaction.Commit();
        LogInstalled(logger, databasePath);
    }

    private static readonly Lazy<string> Script = new(() =>
    {
        var assembly = typeof(SqliteGrainStorageSiloBuilderExtensions).Assembly;
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith(ScriptResourceSuffix, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    });

    private static string Escape(string value) => value.Replace("%", "%25", StringComparison.Ordinal)
        .Replace("@", "%40", StringComparison.Ordinal)
        .Replace("`", "%60", StringComparison.Ordinal); // the provider rewrites names that contain a backtick (generic type names)

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage tables and queries installed in {Path}")]
    private static partial void LogInstalled(ILogger logger, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage database {Path} is in journal mode {Mode}, not WAL; readers and the writer will block each other")]
    private static partial void LogNotWal(ILogger logger, string path, string? mode);

    /// <summary>
    /// Hands every call to the ADO.NET provider with the state name replaced by <see cref="StorageKey"/>,
    /// and installs the script at silo start before the provider initializes.
    /// </summary>
    private sealed class GrainIdScopedStorage(AdoNetGrainStorage inner, string name, AdoNetGrainStorageOptions options, ILogger logger)
        : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
    {
        private readonly IGrainStorage _inner = inner;

        private string ConnectionString => options.ConnectionString
            ?? throw new InvalidOperationException($"Grain storage '{name}' has no connection string.");

        public void Participate(ISiloLifecycle lifecycle)
        {
            var stage = Math.Min(ServiceLifecycleStage.RuntimeInitialize, options.InitStage - 1);
            lifecycle.Subscribe($"{nameof(SqliteGrainStorageSiloBuilderExtensions)}-{name}", stage,
                _ => Task.Run(() => InstallSchema(ConnectionString, logger)),
                _ =>
                {
                    // Let go of the file once the silo is down (pooled connections keep it open).
                    using var connection = new SqliteConnection(ConnectionString);
                    SqliteConnection.ClearPool(connection);
                    return Task.CompletedTask;
                });
            inner.Participate(lifecycle);
        }

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            _inner.ReadStateAsync(StorageKey(stateName, grainId), grainId, grainState);

        public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
            _inner.ReadStateAsync(StorageKey(stateName, grainId), grainId, grainState, cancellationToken);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            _inner.WriteStateAsync(StorageKey(stateName, grainId), grainId, grainState);

        public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
            _inner.WriteStateAsync(StorageKey(stateName, grainId), grainId, grainState, cancellationToken);

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
            _inner.ClearStateAsync(StorageKey(stateName, grainId), grainId, grainState);

        public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
            _inner.ClearStateAsync(StorageKey(stateName, grainId), grainId, grainState, cancellationToken);
    }
}
