namespace EventStore.Subscriptions;

/// <summary>Settings of the live subscriptions (<c>EventStore:Subscriptions</c>).</summary>
public sealed class SubscriptionOptions
{
    /// <summary>
    /// How often a caught-up subscription looks at the journal's head when this silo's writer has not signalled a
    /// commit: the longest a commit of another silo (or process) waits to be delivered. 200 ms by default.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Events read from the journal at a time; the most a subscription holds in the silo's memory. 500 by default.</summary>
    public int PageSize { get; set; } = 500;
}
