using EventStore.Projections;

namespace EventStore.Journal.Sqlite;

/// <summary>
/// Every SQL statement of the read models on SQLite: the catalog of generations and the record tables.
/// Table, index and column names are spliced in only after <see cref="RecordTable.CheckName"/> and
/// <see cref="ReadModelLayout"/> accepted them (plain lower-case identifiers); values are always parameters.
/// Record tables are STRICT (a value of the wrong type is refused, never converted) and compare text by
/// SQLite's default BINARY collation: byte order of UTF-8, the order PostgreSQL gets from <c>COLLATE "C"</c>.
/// </summary>
internal static class SqliteReadModelSql
{
    /// <summary>The catalog: one row per generation, its checkpoint, whether queries read it, and the tables it made.</summary>
    public const string CreateCatalog = """
        CREATE TABLE IF NOT EXISTS projection_generations (
            projection    TEXT    NOT NULL,
            generation    INTEGER NOT NULL,
            shape_version INTEGER NOT NULL,
            checkpoint    INTEGER NOT NULL,
            active        INTEGER NOT NULL,
            tables        TEXT    NOT NULL,
            PRIMARY KEY (projection, generation)
        )
        """;

    public const string SelectGenerations =
        "SELECT generation, shape_version, checkpoint, active, tables FROM projection_generations WHERE projection = $projection ORDER BY generation";

    /// <summary>A new generation's row; nothing if another process made the same generation first.</summary>
    public const string InsertGeneration = """
        INSERT INTO projection_generations (projection, generation, shape_version, checkpoint, active, tables)
        VALUES ($projection, $generation, $shape_version, $checkpoint, $active, $tables)
        ON CONFLICT (projection, generation) DO NOTHING
        """;

    /// <summary>Moves the checkpoint only if it is still where the committer last left it.</summary>
    public const string MoveCheckpoint =
        "UPDATE projection_generations SET checkpoint = $to WHERE projection = $projection AND generation = $generation AND checkpoint = $from";

    public const string Activate =
        "UPDATE projection_generations SET active = (generation = $generation) WHERE projection = $projection";

    /// <summary>The generations of a projection other than one, with the tables each made.</summary>
    public const string SelectOtherGenerations =
        "SELECT generation, tables FROM projection_generations WHERE projection = $projection AND generation <> $generation";

    public const string SelectTables =
        "SELECT tables FROM projection_generations WHERE projection = $projection AND generation = $generation";

    public const string DeleteGeneration =
        "DELETE FROM projection_generations WHERE projection = $projection AND generation = $generation";

    /// <summary>A record table: the key, the record's JSON and one nullable column per declared column.</summary>
    public static string CreateTable(string table, IReadOnlyList<RecordColumn> columns) =>
        $"CREATE TABLE IF NOT EXISTS {table} (key TEXT NOT NULL PRIMARY KEY, doc TEXT NOT NULL{string.Concat(columns.Select(c => $", {c.Name} {Type(c.Kind)}"))}) STRICT";

    /// <summary>The index of a column, with the key after it: filters on the column come out in key order, and ties of an ordering are broken by key.</summary>
    public static string CreateIndex(string table, int column, RecordColumn declared) =>
        $"CREATE INDEX IF NOT EXISTS {ReadModelLayout.IndexName(table, column)} ON {table} ({declared.Name}, key)";

    public static string DropTable(string table) => $"DROP TABLE IF EXISTS {table}";

    /// <summary>Inserts a record or replaces its JSON and columns; parameters <c>$key</c>, <c>$doc</c>, <c>$c0</c>…</summary>
    public static string Upsert(string table, IReadOnlyList<RecordColumn> columns) =>
        $"INSERT INTO {table} (key, doc{string.Concat(columns.Select(c => $", {c.Name}"))}) VALUES ($key, $doc{string.Concat(columns.Select((_, i) => $", $c{i}"))}) "
        + $"ON CONFLICT (key) DO UPDATE SET doc = excluded.doc{string.Concat(columns.Select(c => $", {c.Name} = excluded.{c.Name}"))}";

    public static string Delete(string table) => $"DELETE FROM {table} WHERE key = $key";

    /// <summary>The records whose keys are in the JSON array <c>$keys</c>: one statement for any number of keys.</summary>
    public static string SelectByKeys(string table) => $"SELECT key, doc FROM {table} WHERE key IN (SELECT value FROM json_each($keys))";

    /// <summary>
    /// A query: its conditions on parameters <c>$v0</c>…, the key after <c>$after</c>, in key order or by a
    /// column then key (NULL before every value, as on PostgreSQL), at most <c>$limit</c> records.
    /// </summary>
    public static string Query(string table, RecordQuery query)
    {
        var where = query.Conditions.Select((c, i) => $"{c.Column} {Operator(c.Comparison)} $v{i}").ToList();
        if (query.After is not null) where.Add("key > $after");
        var filter = where.Count == 0 ? "" : $" WHERE {string.Join(" AND ", where)}";
        // Ties go the same way as the column, so that one index (column, key) serves the order read forwards or backwards.
        var order = query.OrderBy is null ? "key" : query.Descending ? $"{query.OrderBy} DESC, key DESC" : $"{query.OrderBy}, key";
        return $"SELECT key, doc FROM {table}{filter} ORDER BY {order} LIMIT $limit";
    }

    private static string Operator(Comparison comparison) => comparison switch
    {
        Comparison.Equal => "=",
        Comparison.Less => "<",
        Comparison.Greater => ">",
        _ => throw new ArgumentOutOfRangeException(nameof(comparison), comparison, null),
    };

    private static string Type(ColumnKind kind) => kind == ColumnKind.Text ? "TEXT" : "INTEGER";
}
