using EventStore.Events;
using EventStore.LogConsistency;
using Orleans.EventSourcing;
using Orleans.Providers;

namespace EventStore.Benchmarks.Grains;

/// <summary>What a <see cref="BenchAggregateGrain"/> folds: a count, the last sequence number and position, a checksum.</summary>
[GenerateSerializer]
public sealed class BenchView
{
    /// <summary>Events applied.</summary>
    [Id(0)] public long Count { get; set; }

    /// <summary>Sequence number of the last event.</summary>
    [Id(1)] public long LastSeq { get; set; }

    /// <summary>Global position of the last event.</summary>
    [Id(2)] public long LastPosition { get; set; }

    /// <summary>A fold over every sequence number, so that replaying does real work.</summary>
    [Id(3)] public long Checksum { get; set; }
}

/// <summary>A benchmark aggregate on the product's journal provider.</summary>
public interface IBenchAggregateGrain : IGrainWithStringKey
{
    /// <summary>
    /// One command: validates that <paramref name="seq"/> follows the last one, raises one ~200-byte event
    /// conditionally on the version it validated against, and returns its global position once committed.
    /// </summary>
    Task<long> Append(long seq);

    /// <summary>Raises <paramref name="count"/> events and confirms them together (fills W3's aggregate fast).</summary>
    Task<int> AppendMany(int count);

    /// <summary>The confirmed version (the call W3 times after a deactivation).</summary>
    Task<int> GetVersion();

    /// <summary>Deactivates this activation once the call returns, so that the next call activates it again.</summary>
    Task Deactivate();
}

/// <summary>
/// The benchmark's aggregate: a plain <c>JournaledGrain</c> on <see cref="JournalLogConsistencyProvider"/>,
/// shaped like the product's aggregates (validate, raise conditionally, return after commit), with a
/// payload of a fixed size. Its aggregate type in the journal is its grain type, <c>bench-aggregate</c>.
/// </summary>
[GrainType("bench-aggregate")]
[LogConsistencyProvider(ProviderName = JournalLogConsistencyProvider.ProviderName)]
public sealed class BenchAggregateGrain : JournaledGrain<BenchView, EventEnvelope>, IBenchAggregateGrain
{
    private string Id => this.GetPrimaryKeyString();

    /// <inheritdoc />
    public async Task<long> Append(long seq)
    {
        if (seq != State.LastSeq + 1) throw new InvalidOperationException($"{Id}: sequence {seq} does not follow {State.LastSeq}");
        if (!await RaiseConditionalEvent(Draft(new BenchAppended(Id, seq, Payloads.Data))))
            throw new InvalidOperationException($"{Id}: another writer appended first");
        return State.LastPosition;
    }

    /// <inheritdoc />
    public async Task<int> AppendMany(int count)
    {
        var first = State.LastSeq + 1;
        RaiseEvents(Enumerable.Range(0, count).Select(i => Draft(new BenchAppended(Id, first + i, Payloads.Data))));
        await ConfirmEvents();
        return Version;
    }

    /// <inheritdoc />
    public Task<int> GetVersion() => Task.FromResult(Version);

    /// <inheritdoc />
    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override void TransitionState(BenchView state, EventEnvelope @event)
    {
        if (@event.Payload is not BenchAppended e) return;
        state.Count++;
        state.LastSeq = e.Seq;
        state.LastPosition = @event.Position;
        state.Checksum = unchecked(state.Checksum * 31 + e.Seq);
    }

    private static EventEnvelope Draft(IDomainEvent payload) => new(
        Guid.CreateVersion7().ToString(), "", "", "", 0, 0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), "bench", payload, null, null, null);
}
