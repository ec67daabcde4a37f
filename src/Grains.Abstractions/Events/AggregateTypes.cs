namespace EventStore.Events;

/// <summary>The aggregate type names stored in the journal's <c>aggregate_type</c> column.</summary>
public static class AggregateTypes
{
    /// <summary>One agent.</summary>
    public const string Agent = "agent";

    /// <summary>One task.</summary>
    public const string Task = "task";

    /// <summary>One memory namespace.</summary>
    public const string Memory = "memory";

    /// <summary>One swarm.</summary>
    public const string Swarm = "swarm";
}
