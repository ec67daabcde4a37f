namespace EventStore.Projections;

/// <summary>
/// Reads of the read models in one read transaction: every read sees the database as it was at one instant, whatever
/// projectors commit meanwhile (a generation's checkpoint and its records agree). Disposing it ends the transaction.
/// </summary>
internal interface IReadModelSnapshot : IAsyncDisposable
{
    /// <summary>The generations of a projection, oldest first.</summary>
    Task<IReadOnlyList<ProjectionGeneration>> LoadGenerationsAsync(string projection);

    /// <summary>The keys and JSON of the records a query selects, in its order.</summary>
    Task<IReadOnlyList<KeyValuePair<string, string>>> QueryAsync(TableRef table, RecordQuery query);
}
