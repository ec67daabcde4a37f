using System.Text;
using Npgsql;

namespace EventStore.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server of this test run, started on first use and shared by the whole process.
/// If <see cref="ConnectionStringVariable"/> holds a connection string, that server is used and none is started;
/// otherwise a private server (<see cref="LocalPostgres"/>) is started from the installed binaries and stopped,
/// with its folder deleted, when the test process exits. Each caller gets its own fresh, empty database.
/// </summary>
internal static class PostgresServer
{
    /// <summary>The environment variable naming an existing server to use instead of a private one.</summary>
    public const string ConnectionStringVariable = "EVENTSTORE_TEST_POSTGRES";

    private static readonly Lazy<Task<string>> Admin = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static LocalPostgres? _private;

    /// <summary>True when the tests use the server named by <see cref="ConnectionStringVariable"/> rather than a private one.</summary>
    public static bool IsExternal => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(ConnectionStringVariable));

    /// <summary>The private server (null when <see cref="IsExternal"/>); starts it if needed.</summary>
    public static async Task<LocalPostgres?> PrivateServerAsync()
    {
        await Admin.Value;
        return _private;
    }

    /// <summary>
    /// Creates a new, empty, uniquely named database (<paramref name="prefix"/> plus a random suffix) and returns
    /// a connection string to it. Drop it with <see cref="DropDatabaseAsync"/>. <paramref name="options"/> are
    /// more options of <c>CREATE DATABASE</c> (a locale, say).
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(string prefix, string options = "")
    {
        var admin = await Admin.Value;
        var name = DatabaseName(prefix);
        await ExecuteAsync(admin, $"CREATE DATABASE {Quote(name)} TEMPLATE template0 {options}");
        return new NpgsqlConnectionStringBuilder(admin) { Database = name, Pooling = true }.ToString();
    }

    /// <summary>Drops the database of a connection string from <see cref="CreateDatabaseAsync"/>, closing its connections.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var admin = await Admin.Value;
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database
                   ?? throw new ArgumentException("The connection string names no database.", nameof(connectionString));
        await using (var connection = new NpgsqlConnection(connectionString)) NpgsqlConnection.ClearPool(connection);
        await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS {Quote(name)} WITH (FORCE)");
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } external)
            return new NpgsqlConnectionStringBuilder(external) { Pooling = false }.ToString();
        var server = await LocalPostgres.StartAsync();
        _private = server;
        // vstest kills the test host 100 ms after the run, often before this finishes; the watchdog then does it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server.AdminConnectionString;
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Lower-case letters, digits and underscores from the prefix, then a random suffix; at most 63 bytes.</summary>
    private static string DatabaseName(string prefix)
    {
        var safe = new StringBuilder();
        foreach (var c in prefix.ToLowerInvariant()) safe.Append(c is >= 'a' and <= 'z' or >= '0' and <= '9' ? c : '_');
        var head = safe.Length == 0 ? "test" : safe.ToString()[..Math.Min(safe.Length, 30)];
        return $"{head}_{Guid.NewGuid():N}";
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
