using System.Collections.Concurrent;
using System.Diagnostics;
using EventStore.Aggregates;
using EventStore.Diagnostics;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using EventStore.Tests.Projections;
using static EventStore.Tests.Store.StoreTestKit;

namespace EventStore.Tests.Diagnostics;

/// <summary>
/// A grain command and a store append each make one activity of the event store's source, a child of Orleans'
/// grain-call activity in the caller's trace, tagged with what was written and where.
/// </summary>
public abstract class ActivityTests : IDisposable
{
    private readonly DiagnosticsCluster _cluster;
    private readonly ActivitySource _caller = new("EventStore.Tests.Caller");
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener = new();

    protected ActivityTests(DiagnosticsCluster cluster)
    {
        _cluster = cluster;
        _listener.ShouldListenTo = source => source == _caller || source.Name == EventStoreDiagnostics.Name
            || source.Name.StartsWith(EventStoreDiagnostics.OrleansName, StringComparison.Ordinal);
        _listener.Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded;
        _listener.ActivityStopped = _stopped.Enqueue;
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public async Task A_command_is_an_activity_under_orleans_grain_call_in_the_callers_trace()
    {
        var agentId = Ids.New("agent");
        var eventId = Ids.New("spawn");
        EventReceipt receipt;
        ActivityTraceId trace;
        using (var root = _caller.StartActivity("caller")!)
        {
            trace = root.TraceId;
            receipt = await _cluster.Client.GetGrain<IAgentGrain>(agentId).Spawn("coder", AgentDomain.Core, ["csharp"], new CommandContext { EventId = eventId });
        }

        var command = Assert.Single(_stopped, a => a.Source.Name == EventStoreDiagnostics.Name && a.TraceId == trace);
        Assert.Equal("command agent:spawned", command.DisplayName);
        Assert.Equal(eventId, command.GetTagItem("eventstore.event.id"));
        Assert.Equal(agentId, command.GetTagItem("eventstore.aggregate.id"));
        Assert.Equal("agent", command.GetTagItem("eventstore.aggregate.type"));
        Assert.Equal(1L, command.GetTagItem("eventstore.event.version"));
        Assert.Equal(receipt.Position, command.GetTagItem("eventstore.position"));
        Assert.Equal("committed", command.GetTagItem("eventstore.outcome"));
        var parent = await Eventually.Until(() => Task.FromResult(_stopped.FirstOrDefault(a => a.SpanId == command.ParentSpanId)), a => a is not null,
            "the command's parent activity stops");
        Assert.StartsWith(EventStoreDiagnostics.OrleansName, parent!.Source.Name);
    }

    [Fact]
    public async Task A_store_append_is_an_activity_tagged_with_its_events_and_positions()
    {
        var id = Ids.New("m");
        var kind = Kind();
        AppendResult result;
        ActivityTraceId trace;
        using (var root = _caller.StartActivity("caller")!)
        {
            trace = root.TraceId;
            result = await _cluster.Client.GetEventStore().Append(id, kind, Notes(2));
        }

        var append = Assert.Single(_stopped, a => a.Source.Name == EventStoreDiagnostics.Name && a.TraceId == trace);
        Assert.Equal($"append {kind}", append.DisplayName);
        Assert.Equal(result.Events.Select(e => e.EventId).ToArray(), (string[])append.GetTagItem("eventstore.event.ids")!);
        Assert.Equal(2L, append.GetTagItem("eventstore.event.version"));
        Assert.Equal(result.Events[^1].Position, append.GetTagItem("eventstore.position"));
        Assert.Equal("committed", append.GetTagItem("eventstore.outcome"));
    }

    [Fact]
    public async Task A_refused_command_is_an_activity_with_an_error_status()
    {
        ActivityTraceId trace;
        using (var root = _caller.StartActivity("caller")!)
        {
            trace = root.TraceId;
            await Assert.ThrowsAsync<Errors.InvalidTransitionException>(() => _cluster.Client.GetGrain<IAgentGrain>(Ids.New("agent")).Start());
        }

        var command = Assert.Single(_stopped, a => a.Source.Name == EventStoreDiagnostics.Name && a.TraceId == trace);
        Assert.Equal("refused", command.GetTagItem("eventstore.outcome"));
        Assert.Equal(ActivityStatusCode.Error, command.Status);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _caller.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary><see cref="ActivityTests"/> on SQLite.</summary>
[Collection(DiagnosticsCollection.Name)]
public sealed class ActivityTests_Sqlite(DiagnosticsCluster cluster) : ActivityTests(cluster);

/// <summary><see cref="ActivityTests"/> on PostgreSQL.</summary>
[Collection(PostgresDiagnosticsCollection.Name)]
public sealed class ActivityTests_Postgres(PostgresDiagnosticsCluster cluster) : ActivityTests(cluster);
