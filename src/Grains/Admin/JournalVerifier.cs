using System.Reflection;
using EventStore.Journal;
using EventStore.Projections;

namespace EventStore.Admin;

/// <summary>
/// The journal's integrity check, for operators (the CLI's <c>verify</c>): reads the whole database a page at a time,
/// keeping one entry per stream, and checks that positions run without a gap up to the head; that each stream's versions
/// are 1..n in position order, of one aggregate type, with unique event ids; that every row decodes as the silo reads it;
/// that the stats counters agree with a recount; that no snapshot is ahead of its stream or of another aggregate type;
/// and that each projection's records agree with the journal folded up to the projection's checkpoint by its own code.
/// Read-only on the journal, and safe while silos write to it: each check reads a consistent state.
/// </summary>
public sealed class JournalVerifier
{
    private readonly IJournalBackend _backend;
    private readonly EventRowReader _rows;
    private readonly IReadOnlyList<Projection> _projections;
    private readonly int _pageSize;

    /// <summary>A verifier of <paramref name="journal"/>, checking the read models of <paramref name="projections"/> (see <see cref="ProjectionsIn"/>).</summary>
    public JournalVerifier(OfflineJournal journal, IEnumerable<Projection> projections)
        : this(journal.Backend, journal.Serializer, projections)
    {
    }

    internal JournalVerifier(IJournalBackend backend, EventPayloadSerializer serializer, IEnumerable<Projection> projections, int pageSize = 1000)
    {
        (_backend, _rows, _pageSize) = (backend, new EventRowReader(serializer), pageSize);
        _projections = [.. projections];
    }

    /// <summary>
    /// The projections a silo runs by default (AgentState, TaskHistory, MemoryIndex) and every non-abstract
    /// <see cref="Projection"/> with a public parameterless constructor in <paramref name="assemblies"/>; one per name.
    /// </summary>
    public static IReadOnlyList<Projection> ProjectionsIn(IEnumerable<Assembly> assemblies)
    {
        var found = new List<Projection> { new AgentStateProjection(), new TaskHistoryProjection(), new MemoryIndexProjection() };
        foreach (var type in assemblies.SelectMany(LoadableTypes))
            if (!type.IsAbstract && typeof(Projection).IsAssignableFrom(type) && type.GetConstructor(Type.EmptyTypes) is not null)
                found.Add((Projection)Activator.CreateInstance(type)!);
        return [.. found.DistinctBy(p => p.Name, StringComparer.Ordinal)];
    }

    /// <summary>Runs every check; <paramref name="progress"/> hears how far it got.</summary>
    public async Task<VerificationReport> VerifyAsync(IProgress<VerificationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var reader = _backend.Reader;
        var streams = new StreamVerification(reader, _rows, _pageSize);
        await streams.RunAsync(progress, cancellationToken);
        progress?.Report(new VerificationProgress("snapshots", streams.HeadPosition, streams.HeadPosition));
        var snapshots = new SnapshotVerification(reader, streams.Heads, _pageSize);
        await snapshots.RunAsync(cancellationToken);
        var checks = new List<VerificationCheck>
        {
            streams.Positions.ToCheck(), streams.Streams.ToCheck(), streams.Readable.ToCheck(), streams.Counters.ToCheck(), snapshots.Problems.ToCheck(),
        };
        using var store = _backend.CreateReadModelStore();
        foreach (var projection in _projections)
        {
            progress?.Report(new VerificationProgress($"projection {projection.Name}", streams.HeadPosition, streams.HeadPosition));
            checks.Add(await new ProjectionVerification(reader, store, projection).RunAsync(cancellationToken));
        }
        return new VerificationReport(streams.HeadPosition, streams.Events, streams.Heads.Count, checks);
    }

    private static IEnumerable<Type> LoadableTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (ReflectionTypeLoadException ex)
        {
            return ex.Types.OfType<Type>();
        }
    }
}
