namespace EventStore.Tests.Infrastructure;

/// <summary>Unique ids, so tests sharing a cluster never touch each other's aggregates.</summary>
public static class Ids
{
    /// <summary>A new id with a readable prefix.</summary>
    public static string New(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
