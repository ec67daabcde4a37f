using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using EventStore.Journal;
using LinqToDB;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace EventStore.Benchmarks.Baselines;

/// <summary>
/// An Akka.NET actor system whose journal (and snapshot store) is Akka.Persistence.Sql on one SQLite file, with the
/// plugin's defaults (table-mapping <c>default</c>, batching, parallelism, auto-initialize, Akka's default
/// serializer) except the connection: Microsoft.Data.Sqlite (linq2db's <c>SQLite.MS</c>) with its own defaults
/// (pooling on, no busy timeout of SQLite's), and on every SQLite connection the plugin opens <c>journal_mode =
/// WAL</c> and the run's <c>synchronous</c>, like the raw baselines' connections.
/// </summary>
/// <remarks>
/// The hook: the plugin takes linq2db <see cref="DataOptions"/> from a <see cref="DataOptionsSetup"/> in the actor
/// system's setup (its HOCON has no place for connection settings beyond the connection string, and
/// Microsoft.Data.Sqlite's connection string has no <c>synchronous</c>). Those options carry linq2db's
/// <c>UseAfterConnectionOpened</c> callback, which linq2db calls after each open of every connection it creates
/// from them. The PRAGMAs are run once per SQLite connection (native handle: the pool hands the same one out
/// again, and the setting lasts as long as it), then read back through the same connection, so the run can show
/// that they took effect on every connection the plugin used (<see cref="CheckConnections"/>).
/// </remarks>
internal sealed class AkkaSqliteSystem : IAsyncDisposable
{
    private readonly ConditionalWeakTable<sqlite3, object> _configured = new();
    private readonly string _synchronous;
    private int _opens, _connections;
    private string? _wrong;

    private AkkaSqliteSystem(string path, JournalDurability durability, string name)
    {
        _synchronous = durability == JournalDurability.Full ? "FULL" : "NORMAL";
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path }.ToString();
        var options = new DataOptions()
            .UseConnectionString(ProviderName.SQLiteMS, connectionString)
            .UseAfterConnectionOpened(Configure, (connection, _) =>
            {
                Configure(connection);
                return Task.CompletedTask;
            });
        var setup = BootstrapSetup.Create().WithConfig(Hocon(connectionString).WithFallback(SqlPersistence.DefaultConfiguration))
            .And(new DataOptionsSetup(options));
        System = ActorSystem.Create(name, setup);
    }

    public ActorSystem System { get; }

    /// <summary>An actor system on the SQLite file <paramref name="path"/> (created by the plugin) at the run's synchronous.</summary>
    public static AkkaSqliteSystem Start(string path, JournalDurability durability, string name) => new(path, durability, name);

    /// <summary>
    /// Throws unless every SQLite connection the plugin opened read back the run's <c>synchronous</c> and WAL;
    /// returns what was checked, for the result's note.
    /// </summary>
    public string CheckConnections()
    {
        if (_wrong is { } wrong) throw new InvalidOperationException($"akka: a plugin connection was not configured: {wrong}");
        if (_connections == 0) throw new InvalidOperationException("akka: the plugin opened no connection through the configured options");
        return $"synchronous {_synchronous} and journal_mode wal read back on all {_connections} SQLite connections the plugin opened ({_opens} opens)";
    }

    public async ValueTask DisposeAsync() => await System.Terminate();

    private void Configure(DbConnection connection)
    {
        Interlocked.Increment(ref _opens);
        var handle = ((SqliteConnection)connection).Handle ?? throw new InvalidOperationException("akka: an open connection without a SQLite handle");
        if (!_configured.TryAdd(handle, this)) return; // this native connection was configured when it was first opened
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA journal_mode = WAL; PRAGMA synchronous = {_synchronous};";
        command.ExecuteNonQuery();
        command.CommandText = "PRAGMA synchronous;";
        var synchronous = Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
        command.CommandText = "PRAGMA journal_mode;";
        var journalMode = command.ExecuteScalar() as string;
        Interlocked.Increment(ref _connections);
        var expected = _synchronous == "FULL" ? 2 : 1;
        if (synchronous != expected || journalMode != "wal")
            Interlocked.CompareExchange(ref _wrong, $"synchronous {synchronous} (expected {expected}), journal_mode {journalMode}", null);
    }

    /// <summary>The plugin chosen as journal and snapshot store, on this file; everything else from the plugin's defaults.</summary>
    private static Config Hocon(string connectionString) => ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = WARNING
          stdout-loglevel = OFF
          loggers = ["{{typeof(AkkaStderrLogger).FullName}}, {{typeof(AkkaStderrLogger).Assembly.GetName().Name}}"]
          persistence {
            journal {
              plugin = "akka.persistence.journal.sql"
              sql {
                connection-string = "{{connectionString}}"
                provider-name = "{{ProviderName.SQLiteMS}}"
              }
            }
            snapshot-store {
              plugin = "akka.persistence.snapshot-store.sql"
              sql {
                connection-string = "{{connectionString}}"
                provider-name = "{{ProviderName.SQLiteMS}}"
              }
            }
          }
        }
        """);
}
