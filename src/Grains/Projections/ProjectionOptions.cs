using Orleans.Runtime;

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

    /// <summary>Commit applied events (their records and the checkpoint, in one transaction) once this many wait. Default 1,000.</summary>
    public int CommitEveryEvents { get; set; } = 1000;

    /// <summary>
    /// Commit the records that applied events changed at least this often, however few: queries read committed records,
    /// so this bounds how long an applied event stays invisible to them. A commit is short (read models are written
    /// without waiting for the disk, see the backends); a checkpoint that moved over events which changed no record is
    /// written only once a <see cref="FlushInterval"/>. Default 10 ms.
    /// </summary>
    public TimeSpan CommitInterval { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How often a projection checks the journal for events no stream message announced. Default 1 s.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events read per page when catching up from the journal. Default 1,000.</summary>
    public int CatchUpPageSize { get; set; } = 1000;
}

/// <summary>Where the journal publishes its commits: one stream per projection, keyed by its name, read by its projector grain.</summary>
internal static class ProjectionStreams
{
    /// <summary>The stream namespace that the projector grains subscribe to implicitly.</summary>
    public const string Namespace = "event-journal";

    /// <summary>The grain type of the projector grains, whose key is the projection's name (the key of its stream).</summary>
    public const string ProjectorGrainType = "projector";

    /// <summary>The stream of the projection named <paramref name="projection"/>.</summary>
    public static StreamId Of(string projection) => StreamId.Create(Namespace, projection);
}
