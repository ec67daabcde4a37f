namespace EventStore.Projections;

/// <summary>A page of a read model's records.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Items">The records, in the query's order.</param>
/// <param name="Next">Pass it as <c>after</c> to get the next page; null when this page is the last.</param>
[GenerateSerializer, Immutable]
public sealed record RecordPage<T>(IReadOnlyList<T> Items, string? Next);
