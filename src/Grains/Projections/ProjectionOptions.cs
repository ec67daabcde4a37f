namespace EventStore.Projections;

/// <summary>Settings of the projections. Bound from the <c>EventStore:Projections</c> configuration section by the silo.</summary>
public sealed class ProjectionOptions
{
    /// <summary>The Orleans stream provider the journal publishes commits on. Memory streams under this name are added unless <see cref="AddMemoryStreams"/> is false.</summary>
    public string StreamProvider { get; set; } = "EventStoreJournal";

    /// <summary>Add memory streams as the stream provider (true) or use one the host configured under <see cref="StreamProvider"/> (false). Default true.</summary>
    public bool AddMemoryStreams { get; set; } = true;

    /// <summary>How often the memory streams' pulling agent looks for new messages (Orleans' default is 100 ms). Default 10 ms.</summary>
    public TimeSpan StreamPullInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>
    /// Save the read model once this many events are applied and unsaved, or more when the model is
    /// large: at least <see cref="UnsavedEventsPerRecord"/> times its record count, so that the cost of
    /// rewriting the whole model stays a bounded share of the cost of applying events. Default 1,000.
    /// </summary>
    public int SaveEveryEvents { get; set; } = 1000;

    /// <summary>Unsaved events allowed per record of the model before it is saved (see <see cref="SaveEveryEvents"/>). Default 1: about one record rewritten per event applied.</summary>
    public double UnsavedEventsPerRecord { get; set; } = 1.0;

    /// <summary>Save a model with unsaved events at least this often, however few. Default 30 s.</summary>
    public TimeSpan MaxSaveInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a projection checks the journal for events no stream message announced, and whether it is due to save. Default 1 s.</summary>
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
