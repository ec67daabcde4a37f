using System.Collections;

namespace EventStore.Projections;

/// <summary>A page of a read model's records; it is the list of its records, and says where the next page starts.</summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="Items">The records, in the query's order.</param>
/// <param name="Next">Pass it as <c>after</c> to get the next page; null when this page is the last.</param>
[GenerateSerializer, Immutable]
public sealed record RecordPage<T>(IReadOnlyList<T> Items, string? Next) : IReadOnlyList<T>
{
    /// <inheritdoc />
    public int Count => Items.Count;

    /// <inheritdoc />
    public T this[int index] => Items[index];

    /// <inheritdoc />
    public IEnumerator<T> GetEnumerator() => Items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
