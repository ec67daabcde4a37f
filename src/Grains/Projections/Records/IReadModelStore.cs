namespace EventStore.Projections;

/// <summary>
/// One generation of a projection's read model: its own set of tables, and the last journal position folded
/// into them (the checkpoint, kept in the same database and written in the same transaction as the records).
/// A projection answers from its active generation; a rebuild fills a new one beside it, then activates it.
/// </summary>
/// <param name="Projection">The projection's name.</param>
/// <param name="Number">The generation's number, 1 for the first.</param>
/// <param name="ShapeVersion">The projection's <see cref="Projection.ShapeVersion"/> when the generation was made.</param>
/// <param name="Checkpoint">The last journal position folded into it.</param>
/// <param name="IsActive">Whether queries read it.</param>
/// <param name="ListedTables">The tables the catalog lists for it (comma-separated), when read from the catalog; null for a generation made now.</param>
internal sealed record ProjectionGeneration(string Projection, int Number, int ShapeVersion, long Checkpoint, bool IsActive, string? ListedTables = null)
{
    /// <summary>
    /// The database table of <paramref name="table"/> in this generation: <see cref="TableName"/>, or the name an
    /// earlier version gave it (<see cref="LegacyTableName"/>) when the catalog lists that one for this generation.
    /// </summary>
    public string TableOf(RecordTable table)
    {
        var name = TableName(Projection, Number, table);
        if (ListedTables is null) return name;
        var listed = ListedTables.Split(',');
        var legacy = LegacyTableName(Projection, Number, table);
        return !listed.Contains(name, StringComparer.Ordinal) && listed.Contains(legacy, StringComparer.Ordinal) ? legacy : name;
    }

    /// <summary>
    /// The database table of <paramref name="table"/> in generation <paramref name="number"/> of <paramref name="projection"/>:
    /// <c>rm_{projection}__{generation}_{table}</c>. A projection name holds no <c>__</c> and does not end with <c>_</c>
    /// (<see cref="Projection.CheckName"/>), so the first <c>__</c> ends it, the digits after it are the generation and the
    /// rest is the table: two projections, generations or tables never get one name.
    /// </summary>
    public static string TableName(string projection, int number, RecordTable table) => $"rm_{projection}__{number}_{table.Name}";

    /// <summary>
    /// The name tables had before <see cref="TableName"/> (<c>rm_{projection}_{generation}_{table}</c>, which two projections
    /// with <c>_</c> in their names could share): generations made then are still read and dropped by it.
    /// </summary>
    public static string LegacyTableName(string projection, int number, RecordTable table) => $"rm_{projection}_{number}_{table.Name}";
}

/// <summary>A record to write (<see cref="Json"/> and its column values) or, when <see cref="Json"/> is null, to delete.</summary>
internal sealed record RecordChange(RecordTable Table, string Key, string? Json, object?[]? Columns);

/// <summary>The database table a query runs on, with the table's declaration.</summary>
internal sealed record TableRef(string Name, RecordTable Table);

/// <summary>
/// Where read models live: tables in the journal's own database, one per record table and generation, beside
/// a catalog of generations and their checkpoints. Each backend implements it with its own SQL, in its folder.
/// </summary>
internal interface IReadModelStore : IDisposable
{
    /// <summary>The generations of a projection, oldest first.</summary>
    Task<IReadOnlyList<ProjectionGeneration>> LoadGenerationsAsync(string projection);

    /// <summary>Creates the tables and indexes of a new generation and its catalog row, in one transaction.</summary>
    Task CreateGenerationAsync(ProjectionGeneration generation, IReadOnlyList<RecordTable> tables);

    /// <summary>The JSON of the records with these keys that exist.</summary>
    Task<IReadOnlyDictionary<string, string>> LoadAsync(TableRef table, IReadOnlyCollection<string> keys);

    /// <summary>
    /// Writes the changes and moves the generation's checkpoint from <paramref name="from"/> to <paramref name="to"/>,
    /// in one transaction. Throws <see cref="ProjectionFencedException"/>, writing nothing, if the checkpoint is no
    /// longer <paramref name="from"/> (another activation of the projection wrote since).
    /// </summary>
    Task CommitAsync(ProjectionGeneration generation, long from, long to, IReadOnlyList<RecordChange> changes);

    /// <summary>Makes <paramref name="generation"/> the active one and drops every other generation of its projection, with their tables.</summary>
    Task ActivateAsync(ProjectionGeneration generation, IReadOnlyList<RecordTable> tables);

    /// <summary>Drops a generation that will not be used (a rebuild of an outdated shape), with its tables.</summary>
    Task DropAsync(ProjectionGeneration generation, IReadOnlyList<RecordTable> tables);

    /// <summary>The keys and JSON of the records a query selects, in its order. Throws <see cref="ReadModelTableMissingException"/> if the table is gone.</summary>
    Task<IReadOnlyList<KeyValuePair<string, string>>> QueryAsync(TableRef table, RecordQuery query);

    /// <summary>Begins a read transaction for reads that must agree with each other (a checkpoint and its records; see verification).</summary>
    Task<IReadModelSnapshot> OpenSnapshotAsync();
}

/// <summary>A projection's checkpoint moved under it: another activation of the same projection wrote. The activation that sees it stops and starts over.</summary>
internal sealed class ProjectionFencedException(string projection, int generation, long expected)
    : Exception($"The checkpoint of projection '{projection}' (generation {generation}) is no longer {expected}: another activation wrote to it.");

/// <summary>A query met a table that no longer exists: a rebuild activated a new generation since the reader last looked.</summary>
internal sealed class ReadModelTableMissingException(string table, Exception inner)
    : Exception($"The read-model table '{table}' does not exist (a rebuild replaced it).", inner);
