namespace EventStore.Store;

/// <summary>
/// Which events a query returns, in global position order. Every member is optional; null means
/// "no condition", and 0 is a value like any other (a limit of 0 returns nothing).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record EventFilter
{
    /// <summary>Only events of these aggregates.</summary>
    [Id(0)] public IReadOnlyList<string>? AggregateIds { get; init; }

    /// <summary>Only events of these aggregate types (<c>agent</c>, <c>task</c>…).</summary>
    [Id(1)] public IReadOnlyList<string>? AggregateTypes { get; init; }

    /// <summary>Only events of these types (<c>agent:spawned</c>…).</summary>
    [Id(2)] public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Only events with a timestamp at or after this one (Unix ms).</summary>
    [Id(3)] public long? After { get; init; }

    /// <summary>Only events with a timestamp strictly before this one (Unix ms).</summary>
    [Id(4)] public long? Before { get; init; }

    /// <summary>Only events at or above this version within their aggregate.</summary>
    [Id(5)] public long? FromVersion { get; init; }

    /// <summary>At most this many events.</summary>
    [Id(6)] public int? Limit { get; init; }

    /// <summary>Skip this many matching events first; works with or without <see cref="Limit"/>.</summary>
    [Id(7)] public int? Offset { get; init; }
}
