using Orleans.EventSourcing;
using Orleans.Providers;

namespace EventStore.Benchmarks.Grains;

/// <summary>What a <see cref="LogStorageBenchGrain"/> folds.</summary>
[GenerateSerializer]
public sealed class LogBenchView
{
    /// <summary>Events applied.</summary>
    [Id(0)] public long Count { get; set; }

    /// <summary>Sequence number of the last event.</summary>
    [Id(1)] public long LastSeq { get; set; }
}

/// <summary>The baseline aggregate on Orleans' built-in LogStorage provider.</summary>
public interface ILogStorageBenchGrain : IGrainWithStringKey
{
    /// <summary>Same command as <see cref="IBenchAggregateGrain.Append"/>; returns the new version.</summary>
    Task<long> Append(long seq);
}

/// <summary>
/// The same aggregate on Orleans' <c>LogStorage</c> log-consistency provider, whose grain storage is
/// Microsoft.Orleans.Persistence.AdoNet on SQLite: every write stores the whole event list again.
/// </summary>
[GrainType("bench-logstorage")]
[LogConsistencyProvider(ProviderName = LogStorageProvider)]
[StorageProvider(ProviderName = StorageName)]
public sealed class LogStorageBenchGrain : JournaledGrain<LogBenchView, LogBenchEvent>, ILogStorageBenchGrain
{
    /// <summary>The name the LogStorage provider is registered under.</summary>
    public const string LogStorageProvider = "LogStorage";

    /// <summary>The grain storage the LogStorage provider writes to.</summary>
    public const string StorageName = "bench-logstorage";

    /// <inheritdoc />
    public async Task<long> Append(long seq)
    {
        var id = this.GetPrimaryKeyString();
        if (seq != State.LastSeq + 1) throw new InvalidOperationException($"{id}: sequence {seq} does not follow {State.LastSeq}");
        if (!await RaiseConditionalEvent(new LogBenchEvent(id, seq, Payloads.Data, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds())))
            throw new InvalidOperationException($"{id}: another writer appended first");
        return Version;
    }

    /// <inheritdoc />
    protected override void TransitionState(LogBenchView state, LogBenchEvent @event)
    {
        state.Count++;
        state.LastSeq = @event.Seq;
    }
}
