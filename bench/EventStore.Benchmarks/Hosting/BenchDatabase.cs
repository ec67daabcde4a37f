using EventStore.Tests.Infrastructure;
using Npgsql;

namespace EventStore.Benchmarks.Hosting;

/// <summary>
/// The journal database of one measurement: a fresh SQLite file (always: the projections' grain storage lives
/// there), and with <c>--backend postgres</c> also a fresh database on the run's PostgreSQL server (one server
/// per run, started on first use by the tests' kit, <see cref="PostgresServer"/>), dropped afterwards.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly TempDatabase _file = new();

    private BenchDatabase(string? connectionString) => ConnectionString = connectionString;

    /// <summary>The SQLite file (the journal on the SQLite backend; the projections' storage on both).</summary>
    public string Path => _file.Path;

    /// <summary>The PostgreSQL database, or null on the SQLite backend.</summary>
    public string? ConnectionString { get; }

    public bool IsPostgres => ConnectionString is not null;

    /// <summary>The PostgreSQL connection string; throws on the SQLite backend.</summary>
    public string Postgres => ConnectionString ?? throw new InvalidOperationException("Not a PostgreSQL database.");

    /// <summary>A database on the run's backend.</summary>
    public static Task<BenchDatabase> CreateAsync(BenchContext bench, string prefix) => CreateAsync(bench.Options.Postgres, prefix);

    /// <summary>A fresh SQLite file, plus a fresh PostgreSQL database when <paramref name="postgres"/>.</summary>
    public static async Task<BenchDatabase> CreateAsync(bool postgres, string prefix) =>
        new(postgres ? await PostgresServer.CreateDatabaseAsync("bench_" + prefix) : null);

    /// <summary>Runs <paramref name="sql"/> and returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(Postgres);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _file.Dispose();
        if (ConnectionString is { } connectionString)
        {
            try
            {
                await PostgresServer.DropDatabaseAsync(connectionString);
            }
            catch (NpgsqlException ex)
            {
                Console.Error.WriteLine($"  (could not drop a PostgreSQL database: {ex.Message})");
            }
        }
    }
}
