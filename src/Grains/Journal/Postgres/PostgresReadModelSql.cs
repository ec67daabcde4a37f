using EventStore.Projections;

namespace EventStore.Journal.Postgres;

/// <summary>
/// Every SQL statement of the read models on PostgreSQL: the catalog of generations and the record tables.
/// Table, index and column names are spliced in only after <see cref="RecordTable.CheckName"/> and
/// <see cref="ReadModelLayout"/> accepted them (plain lower-case identifiers); values are always parameters.
/// Keys and text columns are <c>COLLATE "C"</c>: compared and ordered by bytes, as SQLite does, whatever the
/// database's locale. NULL sorts before every value, as on SQLite (indexes are <c>NULLS FIRST</c>).
/// </summary>
internal static class PostgresReadModelSql
{
    /// <summary>Held for a transaction while one silo creates the catalog table, so that two silos starting at once take turns.</summary>
    public const long CatalogLockKey = 0x5265_6164_4D6F_646C; // "ReadModl"

    public const string CatalogExists = "SELECT to_regclass('projection_generations') IS NOT NULL";

    public const string LockCatalog = "SELECT pg_advisory_xact_lock(@key)";

    /// <summary>The catalog: one row per generation, its checkpoint, whether queries read it, and the tables it made.</summary>
    public const string CreateCatalog = """
        CREATE TABLE IF NOT EXISTS projection_generations (
            projection    text    NOT NULL,
            generation    integer NOT NULL,
            shape_version integer NOT NULL,
            checkpoint    bigint  NOT NULL,
            active        boolean NOT NULL,
            tables        text    NOT NULL,
            PRIMARY KEY (projection, generation)
        )
        """;

    /// <summary>
    /// Serializes the catalog changes of one projection across silos, for the transaction ($1: the projection):
    /// the two-key advisory lock (1382893413 = "RmGe", hash of the name), apart from every one-key lock.
    /// </summary>
    public const string LockProjection = "SELECT pg_advisory_xact_lock(1382893413, hashtext($1))";

    public const string SelectGenerations =
        "SELECT generation, shape_version, checkpoint, active, tables FROM projection_generations WHERE projection = @projection ORDER BY generation";

    /// <summary>A new generation's row; nothing if another silo made the same generation first ($1 to $6).</summary>
    public const string InsertGeneration = """
        INSERT INTO projection_generations (projection, generation, shape_version, checkpoint, active, tables)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (projection, generation) DO NOTHING
        """;

    /// <summary>Moves the checkpoint ($1 projection, $2 generation, $3 from, $4 to) only if it is still where the committer last left it.</summary>
    /// <summary>
    /// A read-model commit does not wait for the WAL flush: read models are derived from the journal and their records
    /// commit with their checkpoint, so a server crash can take back only their last commits, which the projection then
    /// applies again from the journal (the journal's own commits always wait).
    /// </summary>
    public const string CommitWithoutWaitingForDisk = "SET LOCAL synchronous_commit = off";

    public const string MoveCheckpoint =
        "UPDATE projection_generations SET checkpoint = $4 WHERE projection = $1 AND generation = $2 AND checkpoint = $3";

    public const string Activate =
        "UPDATE projection_generations SET active = (generation = @generation) WHERE projection = @projection";

    public const string SelectOtherGenerations =
        "SELECT generation, tables FROM projection_generations WHERE projection = @projection AND generation <> @generation";

    public const string SelectTables =
        "SELECT tables FROM projection_generations WHERE projection = @projection AND generation = @generation";

    public const string DeleteGeneration =
        "DELETE FROM projection_generations WHERE projection = @projection AND generation = @generation";

    /// <summary>A record table: the key, the record's JSON and one nullable column per declared column.</summary>
    public static string CreateTable(string table, IReadOnlyList<RecordColumn> columns) =>
        $"""CREATE TABLE IF NOT EXISTS {table} (key text COLLATE "C" PRIMARY KEY, doc text NOT NULL{string.Concat(columns.Select(c => $", {c.Name} {Type(c.Kind)}"))})""";

    /// <summary>The index of a column, with the key after it: filters on the column come out in key order, and ties of an ordering are broken by key.</summary>
    public static string CreateIndex(string table, int column, RecordColumn declared) =>
        $"CREATE INDEX IF NOT EXISTS {ReadModelLayout.IndexName(table, column)} ON {table} ({declared.Name} NULLS FIRST, key)";

    public static string DropTable(string table) => $"DROP TABLE IF EXISTS {table}";

    /// <summary>Inserts or replaces many records at once from arrays: $1 keys, $2 documents, $3… one array per column.</summary>
    public static string Upsert(string table, IReadOnlyList<RecordColumn> columns) =>
        $"INSERT INTO {table} (key, doc{string.Concat(columns.Select(c => $", {c.Name}"))}) "
        + $"SELECT * FROM unnest($1::text[], $2::text[]{string.Concat(columns.Select((c, i) => $", ${i + 3}::{Type(c.Kind, array: true)}"))}) "
        + $"ON CONFLICT (key) DO UPDATE SET doc = excluded.doc{string.Concat(columns.Select(c => $", {c.Name} = excluded.{c.Name}"))}";

    /// <summary>Deletes the records whose keys are in the array $1.</summary>
    public static string Delete(string table) => $"DELETE FROM {table} WHERE key = ANY($1::text[])";

    /// <summary>The records whose keys are in the array <c>@keys</c>: one statement for any number of keys.</summary>
    public static string SelectByKeys(string table) => $"SELECT key, doc FROM {table} WHERE key = ANY(@keys)";

    /// <summary>
    /// A query: its conditions on parameters <c>@v0</c>…, the key after <c>@after</c>, in key order or by a
    /// column then key (NULL before every value), at most <c>@limit</c> records.
    /// </summary>
    public static string Query(string table, RecordQuery query)
    {
        var where = query.Conditions.Select((c, i) => $"{c.Column} {Operator(c.Comparison)} @v{i}").ToList();
        if (query.After is not null) where.Add("key > @after");
        var filter = where.Count == 0 ? "" : $" WHERE {string.Join(" AND ", where)}";
        // Ties go the same way as the column, so that one index (column, key) serves the order read forwards or backwards.
        var order = query.OrderBy is null ? "key" : query.Descending ? $"{query.OrderBy} DESC NULLS LAST, key DESC" : $"{query.OrderBy} NULLS FIRST, key";
        return $"SELECT key, doc FROM {table}{filter} ORDER BY {order} LIMIT @limit";
    }

    private static string Operator(Comparison comparison) => comparison switch
    {
        Comparison.Equal => "=",
        Comparison.Less => "<",
        Comparison.Greater => ">",
        _ => throw new ArgumentOutOfRangeException(nameof(comparison), comparison, null),
    };

    private static string Type(ColumnKind kind, bool array = false) =>
        (kind, array) switch
        {
            (ColumnKind.Text, false) => "text COLLATE \"C\"",
            (ColumnKind.Text, true) => "text[]",
            (_, false) => "bigint",
            _ => "bigint[]",
        };
}
