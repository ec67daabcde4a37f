namespace EventStore.Projections;

/// <summary>Settings of the projections. Bound from the <c>EventStore:Projections</c> configuration section by the silo.</summary>
public sealed class ProjectionOptions
{
    /// <summary>The Orleans stream provider the journal publishes commits on. Memory streams under this name are added unless <see cref="AddMemoryStreams"/> is false.</summary>
    public string StreamProvider { get; set; } = "EventStoreJournal";

    /// <summary>Add memory streams as the stream provider (true) or use one the host configured under <see cref="StreamProvider"/> (false). Default true.</summary>
    public bool AddMemoryStreams { get; set; } = true;

    /// <summary>Save the read model after this many applied events. Default 1,000.</summary>
    public int SaveEveryEvents { get; set; } = 1000;

    /// <summary>Save the read model at least this often while it has unsaved events, and check the journal for events no stream message announced. Default 1 s.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events read per page when catching up from the journal. Default 1,000.</summary>
    public int CatchUpPageSize { get; set; } = 1000;
}

/// <summary>Where projections keep their read models and checkpoints.</summary>
public static class ProjectionStorage
{
    /// <summary>The grain storage provider's name; it stores into the journal's database.</summary>
    public const string Name = "EventStoreProjections";
}

/// <summary>Where the journal publishes its commits.</summary>
public static class ProjectionStreams
{
    /// <summary>The stream namespace that projection grains subscribe to implicitly.</summary>
    public const string Namespace = "event-journal";

    /// <summary>The stream key: one stream for the whole journal, read by the projection grains with this key.</summary>
    public const string Key = "all";
}
