using EventStore.Projections;

namespace EventStore.Journal;

/// <summary>
/// What both backends' read-model stores agree on, without SQL: the names of a generation's tables and
/// indexes (checked to fit every backend's identifier limit), the catalog's list of a generation's tables,
/// and the values a commit writes (one change per record, each column value of its column's kind).
/// </summary>
internal static class ReadModelLayout
{
    /// <summary>PostgreSQL's longest identifier; SQLite is held to the same so that a projection works on both.</summary>
    public const int MaxIdentifierLength = 63;

    /// <summary>The database tables of <paramref name="tables"/> in <paramref name="generation"/>; refuses names a backend could not hold apart.</summary>
    public static IReadOnlyList<TableRef> TablesOf(ProjectionGeneration generation, IReadOnlyList<RecordTable> tables)
    {
        Projection.CheckName(generation.Projection);
        var refs = tables.Select(t => new TableRef(generation.TableOf(t), t)).ToList();
        foreach (var table in refs)
        {
            var longest = table.Table.Columns.Count == 0 ? table.Name : IndexName(table.Name, table.Table.Columns.Count - 1);
            if (longest.Length > MaxIdentifierLength)
                throw new ArgumentException(
                    $"The read-model table '{table.Name}' (or its index '{longest}') is longer than {MaxIdentifierLength} characters; shorten the projection's or the table's name.");
        }
        var duplicate = refs.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"The projection '{generation.Projection}' declares the table '{duplicate.First().Table.Name}' twice.");
        return refs;
    }

    /// <summary>The index of column number <paramref name="column"/> of <paramref name="table"/>: <c>ri_</c> where the table has <c>rm_</c>, so no index is named like a table.</summary>
    public static string IndexName(string table, int column) => $"ri_{table[3..]}_{column}";

    /// <summary>The catalog's list of a generation's tables.</summary>
    public static string JoinTables(IEnumerable<TableRef> tables) => string.Join(',', tables.Select(t => t.Name));

    /// <summary>The tables a generation has: those the catalog lists (made by whatever shape created it) and those declared now.</summary>
    public static IReadOnlyList<string> TablesToDrop(string? listed, ProjectionGeneration generation, IReadOnlyList<RecordTable> declared) =>
        (listed ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Concat(declared.Select((generation with { ListedTables = listed }).TableOf))
            .Distinct(StringComparer.Ordinal)
            .Select(name => name.StartsWith("rm_", StringComparison.Ordinal) && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_')
                ? name
                : throw new InvalidOperationException($"The read-model catalog lists a table named '{name}', which no generation could have made."))
            .ToList();

    /// <summary>Refuses a query its table cannot answer (a bug in the caller): a missing column, a value of the wrong kind, a limit out of range.</summary>
    public static void CheckQuery(TableRef table, RecordQuery query)
    {
        query.CheckAgainst(table.Table);
        // A page, and one row more that tells the reader whether another page follows.
        if (query.Limit is < 0 or > RecordQuery.MaxLimit + 1) throw new ArgumentException($"A query's limit must be between 0 and {RecordQuery.MaxLimit + 1}, got {query.Limit}.");
    }

    /// <summary>Activating a generation the catalog does not hold would drop every other one and leave none: refused.</summary>
    public static InvalidOperationException NoSuchGeneration(ProjectionGeneration generation) =>
        new($"The projection '{generation.Projection}' has no generation {generation.Number} to activate (another silo dropped it, or it was never created).");

    /// <summary>
    /// The changes of a commit grouped by table, one per record (the last one given wins), each record's
    /// column values checked against its table's columns: a text column takes a string or null, an integer
    /// column a long or null.
    /// </summary>
    public static IReadOnlyList<(RecordTable Table, IReadOnlyList<RecordChange> Changes)> Group(IReadOnlyList<RecordChange> changes)
    {
        var byTable = new Dictionary<RecordTable, Dictionary<string, RecordChange>>();
        foreach (var change in changes)
        {
            if (change.Json is not null) Check(change);
            if (!byTable.TryGetValue(change.Table, out var records)) byTable[change.Table] = records = new Dictionary<string, RecordChange>(StringComparer.Ordinal);
            records[change.Key] = change;
        }
        return byTable.Select(t => (t.Key, (IReadOnlyList<RecordChange>)[.. t.Value.Values])).ToList();
    }

    private static void Check(RecordChange change)
    {
        var columns = change.Table.Columns;
        var values = change.Columns ?? [];
        if (values.Length != columns.Count)
            throw new ArgumentException($"The record '{change.Key}' of '{change.Table.Name}' has {values.Length} column values; the table has {columns.Count} columns.");
        for (var i = 0; i < values.Length; i++)
        {
            var fits = values[i] is null || (columns[i].Kind == ColumnKind.Text ? values[i] is string : values[i] is long);
            if (!fits)
                throw new ArgumentException($"The column '{columns[i].Name}' of '{change.Table.Name}' holds {columns[i].Kind}; the record '{change.Key}' gave it a {values[i]!.GetType().Name}.");
        }
    }
}
