using System.Reflection;
using EventStore.Events;

namespace EventStore.ClientDemo;

/// <summary>
/// The stable type names of all domain events, read from the contracts assembly (every
/// <see cref="IDomainEvent"/> carries an <see cref="EventTypeAttribute"/>), so the demo's coverage
/// check always matches the real event set.
/// </summary>
internal static class EventCatalog
{
    private static readonly string[] AggregateOrder = [AggregateTypes.Swarm, AggregateTypes.Agent, AggregateTypes.Task, AggregateTypes.Memory];

    /// <summary>All event type names, grouped by aggregate, in declaration order.</summary>
    public static IReadOnlyList<string> AllTypes { get; } = Discover();

    private static string[] Discover() =>
        typeof(IDomainEvent).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDomainEvent).IsAssignableFrom(t))
            .Select(t => (Type: t, Name: t.GetCustomAttribute<EventTypeAttribute>(inherit: false)?.Name))
            .Where(x => x.Name is not null)
            .OrderBy(x => AggregateRank(x.Name!))
            .ThenBy(x => x.Type.MetadataToken)
            .Select(x => x.Name!)
            .ToArray();

    private static int AggregateRank(string eventType)
    {
        var prefix = eventType.Split(':')[0];
        var rank = Array.IndexOf(AggregateOrder, prefix);
        return rank < 0 ? AggregateOrder.Length : rank;
    }
}
