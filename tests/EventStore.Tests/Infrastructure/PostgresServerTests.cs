using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Npgsql;

namespace EventStore.Tests.Infrastructure;

/// <summary>The test run's PostgreSQL server: it answers, it is durable, it isolates callers, it is private to the machine.</summary>
public sealed class PostgresServerTests
{
    [Fact]
    public async Task Server_answers_select_version()
    {
        var database = await PostgresServer.CreateDatabaseAsync("version");
        try
        {
            var version = await ScalarAsync<string>(database, "SELECT version()");
            Assert.StartsWith("PostgreSQL ", version, StringComparison.Ordinal);
        }
        finally { await PostgresServer.DropDatabaseAsync(database); }
    }

    [Fact]
    public async Task Commits_are_durable_with_synchronous_commit_and_fsync_on()
    {
        var database = await PostgresServer.CreateDatabaseAsync("durability");
        try
        {
            Assert.Equal("on", await ScalarAsync<string>(database, "SHOW synchronous_commit"));
            Assert.Equal("on", await ScalarAsync<string>(database, "SHOW fsync"));
        }
        finally { await PostgresServer.DropDatabaseAsync(database); }
    }

    [Fact]
    public async Task Two_callers_get_two_distinct_empty_databases_and_drop_removes_them()
    {
        var first = await PostgresServer.CreateDatabaseAsync("isolation");
        var second = await PostgresServer.CreateDatabaseAsync("isolation");

        var firstName = await ScalarAsync<string>(first, "SELECT current_database()");
        var secondName = await ScalarAsync<string>(second, "SELECT current_database()");
        Assert.NotEqual(firstName, secondName);
        Assert.StartsWith("isolation_", firstName, StringComparison.Ordinal);
        const string userTables = "SELECT count(*) FROM pg_catalog.pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')";
        Assert.Equal(0L, await ScalarAsync<long>(first, userTables));
        Assert.Equal(0L, await ScalarAsync<long>(second, userTables));

        await ScalarAsync<int>(first, "CREATE TABLE events (position bigint PRIMARY KEY); SELECT 1");
        Assert.Equal(1L, await ScalarAsync<long>(first, userTables));
        Assert.Equal(0L, await ScalarAsync<long>(second, userTables));

        await PostgresServer.DropDatabaseAsync(first);
        await PostgresServer.DropDatabaseAsync(second);
        var gone = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<string>(first, "SELECT current_database()"));
        Assert.Equal(PostgresErrorCodes.InvalidCatalogName, gone.SqlState);
    }

    [Fact]
    public async Task Private_server_listens_on_127_0_0_1_only()
    {
        var server = await PostgresServer.PrivateServerAsync();
        // A server named by EVENTSTORE_TEST_POSTGRES is configured by whoever runs it; this checks the one we start.
        if (server is null) return;

        var database = await PostgresServer.CreateDatabaseAsync("listen");
        try
        {
            Assert.Equal("127.0.0.1", await ScalarAsync<string>(database, "SHOW listen_addresses"));
            Assert.Equal(IPAddress.Loopback, await ScalarAsync<IPAddress>(database, "SELECT inet_server_addr()"));
        }
        finally { await PostgresServer.DropDatabaseAsync(database); }

        foreach (var address in NonLoopbackAddresses())
        {
            using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            var refused = await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(address, server.Port));
            Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        }
    }

    [Fact]
    public void Missing_server_programs_fail_with_how_to_install_them()
    {
        var clientOnly = Directory.CreateTempSubdirectory("eventstore-no-pg-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(clientOnly, "initdb"), ""); // initdb without postgres is not a server
            var missing = Assert.Throws<InvalidOperationException>(() => PostgresBinaries.Locate([clientOnly]));
            Assert.Contains("apt-get install -y postgresql", missing.Message, StringComparison.Ordinal);
            Assert.Contains(PostgresServer.ConnectionStringVariable, missing.Message, StringComparison.Ordinal);
        }
        finally { Directory.Delete(clientOnly, recursive: true); }
    }

    private static IEnumerable<IPAddress> NonLoopbackAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(i => i.OperationalStatus == OperationalStatus.Up)
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && a.AddressFamily == AddressFamily.InterNetwork);

    private static async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
