using EventStore.Events;
using EventStore.Journal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EventStore.Projections;

/// <summary>
/// What a projector grain needs: the journal's reads by position, the store of read models, the projection
/// settings, the clock and loggers. Registered with the projections; projector grains take it through
/// their constructor.
/// </summary>
internal sealed class ProjectionSource
{
    private readonly IJournalReader _reader;
    private readonly TimeProvider _clock;
    private readonly ILoggerFactory _loggers;

    internal ProjectionSource(IJournalReader reader, IReadModelStore store, IOptions<ProjectionOptions> options, TimeProvider clock, ILoggerFactory loggers) =>
        (_reader, Store, Options, _clock, _loggers) = (reader, store, options.Value, clock, loggers);

    /// <summary>Where read models are kept.</summary>
    internal IReadModelStore Store { get; }

    /// <summary>The projection settings.</summary>
    internal ProjectionOptions Options { get; }

    /// <summary>The current time.</summary>
    internal DateTimeOffset Now => _clock.GetUtcNow();

    /// <summary>A logger named after the projection's class.</summary>
    internal ILogger LoggerFor(Type projection) => _loggers.CreateLogger(projection);

    /// <summary>The position of the last committed event, 0 when the journal is empty.</summary>
    internal Task<long> GetHeadPositionAsync() => _reader.GetHeadPositionAsync();

    /// <summary>The timestamp of the first event at or after <paramref name="position"/>, if any.</summary>
    internal Task<long?> GetTimestampAtAsync(long position) => _reader.GetTimestampAtAsync(position);

    /// <summary>Up to <paramref name="limit"/> events of the given aggregate types with positions in [<paramref name="fromPosition"/>, <paramref name="toPosition"/>].</summary>
    internal Task<IReadOnlyList<EventEnvelope>> ReadRangeAsync(long fromPosition, long toPosition, IReadOnlyList<string> aggregateTypes, int limit) =>
        _reader.ReadRangeAsync(fromPosition, toPosition, aggregateTypes, limit);
}
