namespace EventStore.Subscriptions;

/// <summary>
/// Where a live subscription starts and which events it wants. Start with <see cref="FromStart"/>, <see cref="After"/>
/// or <see cref="FromNow"/>, and narrow with <c>with { AggregateTypes = [...], EventTypes = [...] }</c>; null means
/// "no condition", an empty list is refused (it would match nothing).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SubscriptionRequest
{
    /// <summary>
    /// Deliver the events with a position strictly above this one: 0 for the whole journal, the last position
    /// a subscriber saw to resume. Ignored when <see cref="StartAtHead"/> is set.
    /// </summary>
    [Id(0)] public long AfterPosition { get; init; }

    /// <summary>Start at the journal's head when the subscription starts: only events committed from then on.</summary>
    [Id(1)] public bool StartAtHead { get; init; }

    /// <summary>Only events of these aggregate types (<c>agent</c>, <c>task</c>, or an application's own).</summary>
    [Id(2)] public IReadOnlyList<string>? AggregateTypes { get; init; }

    /// <summary>Only events of these registered event types (<c>agent:spawned</c>…).</summary>
    [Id(3)] public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Every event of the journal, from its first.</summary>
    public static SubscriptionRequest FromStart() => new();

    /// <summary>Every event with a position above <paramref name="position"/> (the last one a subscriber saw, to resume).</summary>
    public static SubscriptionRequest After(long position) => new() { AfterPosition = position };

    /// <summary>Only the events committed after the subscription started.</summary>
    public static SubscriptionRequest FromNow() => new() { StartAtHead = true };
}
