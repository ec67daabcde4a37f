using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace EventStore.Benchmarks.Hosting;

/// <summary>
/// Runs the LogStorage baseline at <c>synchronous = NORMAL</c> when the run is a NORMAL run. The ADO.NET
/// grain storage opens its own pooled connections, which start at SQLite's default (FULL), and offers no
/// hook to run a PRAGMA on them; so, after the product's script has installed the storage queries and
/// before the provider reads them, this prefixes the write query with the PRAGMA (it runs outside any
/// transaction, once per write, and returns no rows, so the provider still reads the write's result).
/// </summary>
internal sealed class SynchronousNormalForGrainStorage(string databasePath) : ILifecycleParticipant<ISiloLifecycle>
{
    private const string Pragma = "PRAGMA synchronous = NORMAL;";

    public static void Add(ISiloBuilder silo, string databasePath) =>
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(new SynchronousNormalForGrainStorage(databasePath));

    public void Participate(ISiloLifecycle lifecycle) =>
        // After the script (installed at RuntimeInitialize), before the provider's Init (ApplicationServices).
        lifecycle.Subscribe(nameof(SynchronousNormalForGrainStorage), ServiceLifecycleStage.RuntimeInitialize + 1, _ => Task.Run(Rewrite));

    private void Rewrite()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "UPDATE OrleansQuery SET QueryText = $pragma || QueryText WHERE QueryKey = 'WriteToStorageKey' AND QueryText NOT LIKE 'PRAGMA%'";
        command.Parameters.AddWithValue("$pragma", Pragma);
        if (command.ExecuteNonQuery() != 1) throw new InvalidOperationException("The grain storage's write query was not found; cannot run it at synchronous = NORMAL.");
    }
}
