using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace EventStore.Benchmarks.Hosting;

/// <summary>
/// Reads the committed checkpoints of the projections' active generations straight from the read models' catalog
/// (<c>projection_generations</c>) with plain SQL on its own connection: a measurement that does not wait for the
/// projector grain's turn, as <c>GetStatus</c> does while the projector is busy catching up.
/// </summary>
internal sealed class CheckpointProbe : IDisposable
{
    private readonly DbConnection _connection;
    private readonly DbCommand _select;

    public CheckpointProbe(BenchDatabase database)
    {
        _connection = database.IsPostgres
            ? new NpgsqlConnection(database.Postgres)
            : new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database.Path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        _connection.Open();
        _select = _connection.CreateCommand();
        _select.CommandText = database.IsPostgres
            ? "SELECT projection, checkpoint FROM projection_generations WHERE active"
            : "SELECT projection, checkpoint FROM projection_generations WHERE active <> 0";
    }

    /// <summary>Checkpoint by projection name (task_history, agent_state, memory_index); a projection without an active generation yet (or no catalog yet) is missing.</summary>
    public Dictionary<string, long> Read()
    {
        var checkpoints = new Dictionary<string, long>(StringComparer.Ordinal);
        try
        {
            using var reader = _select.ExecuteReader();
            while (reader.Read()) checkpoints[reader.GetString(0)] = reader.GetInt64(1);
        }
        catch (DbException) when (checkpoints.Count == 0)
        {
            // The first projector has not made the catalog yet.
        }
        return checkpoints;
    }

    public void Dispose()
    {
        _select.Dispose();
        _connection.Dispose();
    }
}
