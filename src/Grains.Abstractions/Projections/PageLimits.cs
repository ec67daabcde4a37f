namespace EventStore.Projections;

/// <summary>How many records a page of a projection query holds.</summary>
public static class PageLimits
{
    /// <summary>A page's size unless asked otherwise.</summary>
    public const int Default = 1_000;

    /// <summary>The largest page a query returns; a larger limit is refused.</summary>
    public const int Max = 10_000;
}
