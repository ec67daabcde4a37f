using Npgsql;

namespace EventStore.CrashTests;

/// <summary>One silo's row in Orleans' membership table.</summary>
internal sealed record Member(string Address, int Port, int Generation, int Status, int ProxyPort)
{
    /// <summary>Orleans' <c>SiloStatus.Active</c>.</summary>
    public const int Active = 3;

    /// <summary>Orleans' <c>SiloStatus.Dead</c>.</summary>
    public const int Dead = 6;
}

/// <summary>The membership table and the journal of a PostgreSQL cluster, read with plain SQL, independent of the code under test.</summary>
internal static class ClusterTables
{
    /// <summary>Every silo row (none when the table does not exist yet).</summary>
    public static async Task<List<Member>> MembersAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT CASE WHEN to_regclass('orleansmembershiptable') IS NULL THEN NULL ELSE 1 END
            """, connection);
        if (await command.ExecuteScalarAsync() is DBNull) return [];
        command.CommandText = "SELECT address, port, generation, status, coalesce(proxyport, 0) FROM orleansmembershiptable ORDER BY port, generation";
        await using var reader = await command.ExecuteReaderAsync();
        var members = new List<Member>();
        while (await reader.ReadAsync())
            members.Add(new Member(reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4)));
        return members;
    }

    /// <summary>Polls the membership table until <paramref name="condition"/> holds; fails after <paramref name="timeout"/> with the rows and <paramref name="diagnostics"/>.
    /// <paramref name="broken"/> says why waiting is pointless (a silo that should run has exited), or null.</summary>
    public static async Task<List<Member>> WaitForMembersAsync(string connectionString, Func<List<Member>, bool> condition, TimeSpan timeout, string what,
        Func<string> diagnostics, Func<string?> broken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var members = await MembersAsync(connectionString);
            if (condition(members)) return members;
            var failure = broken() ?? (DateTime.UtcNow > deadline ? $"not within {timeout.TotalSeconds} s" : null);
            if (failure is not null)
                throw new TimeoutException(
                    $"Waiting for {what}: {failure}. Membership rows: {string.Join("; ", members)}{Environment.NewLine}{diagnostics()}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>The query keys in <c>OrleansQuery</c>.</summary>
    public static async Task<List<string>> QueryKeysAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT querykey FROM orleansquery ORDER BY querykey", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var keys = new List<string>();
        while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        return keys;
    }

    /// <summary>Every journal row, in position order.</summary>
    public static async Task<List<Row>> EventsAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT position, id, type, aggregate_id, aggregate_type, version FROM events ORDER BY position", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Row>();
        while (await reader.ReadAsync())
            rows.Add(new Row(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5)));
        return rows;
    }

    /// <summary>
    /// A projection's generations in <c>projection_generations</c>: how many are active, and the checkpoint of the active one
    /// (-1 when none is, or the catalog does not exist yet).
    /// </summary>
    public static async Task<(int Active, long Checkpoint)> ProjectionGenerationAsync(string connectionString, string projection)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT to_regclass('projection_generations') IS NOT NULL", connection);
        if (await command.ExecuteScalarAsync() is not true) return (0, -1);
        command.CommandText = """
            SELECT count(*) FILTER (WHERE active), coalesce(max(checkpoint) FILTER (WHERE active), -1)
            FROM projection_generations WHERE projection = @projection
            """;
        command.Parameters.AddWithValue("projection", projection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return ((int)reader.GetInt64(0), reader.GetInt64(1));
    }
}
