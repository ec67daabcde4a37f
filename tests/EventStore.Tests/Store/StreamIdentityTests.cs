using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Store;

/// <summary>An event whose payload names an aggregate other than the stream it is appended to is refused, and nothing is written.</summary>
public abstract class StreamIdentityTests(JournalCluster cluster)
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private IEventStoreGrain Store => cluster.Client.GetEventStore();

    public static TheoryData<string> AggregateTypeNames => [AggregateTypes.Agent, AggregateTypes.Task, AggregateTypes.Memory];

    [Theory]
    [MemberData(nameof(AggregateTypeNames))]
    public async Task An_append_whose_payload_names_another_aggregate_than_its_stream_is_refused_naming_both_and_writes_nothing(string aggregateType)
    {
        var (stream, other) = (Ids.New(aggregateType), Ids.New(aggregateType));
        await Store.Append(other, aggregateType, [new NewEvent(First(aggregateType, other))]);
        var before = cluster.Journal.Count();

        // The first event is right, the second names the other aggregate: the whole append is refused.
        var error = await Assert.ThrowsAsync<InvalidCommandException>(() =>
            Store.Append(stream, aggregateType, [new NewEvent(First(aggregateType, stream)), new NewEvent(First(aggregateType, other))]));

        Assert.Equal("events[1].Payload", error.Argument);
        Assert.Contains($"'{stream}'", error.Message);
        Assert.Contains($"'{other}'", error.Message);
        Assert.Equal(0, cluster.Journal.Count(stream));
        Assert.Equal(1, cluster.Journal.Count(other));
        Assert.Equal(before, cluster.Journal.Count());
    }

    [Fact]
    public async Task A_swarm_event_names_no_aggregate_and_is_appended_to_any_swarm_stream()
    {
        var swarm = Ids.New("swarm");
        var result = await Store.Append(swarm, AggregateTypes.Swarm, [new NewEvent(new SwarmInitialized("mesh", 4, new Dictionary<string, string>(), At))]);
        Assert.Equal(1, result.Events.Single().Version);
    }

    /// <summary>The first event of an aggregate of this type, naming <paramref name="id"/> as its aggregate.</summary>
    private static IDomainEvent First(string aggregateType, string id) => aggregateType switch
    {
        AggregateTypes.Agent => new AgentSpawned(id, "coder", AgentDomain.Core, []),
        AggregateTypes.Task => new TaskCreated(id, "build", "Build", "", TaskPriority.High, [], At),
        _ => new MemoryStored("shared-memory-id", id, "plan", "text", 10, At),
    };
}

[Collection(SharedClusterCollection.Name)]
public sealed class StreamIdentityTests_Sqlite(JournalCluster cluster) : StreamIdentityTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class StreamIdentityTests_Postgres(PostgresJournalCluster cluster) : StreamIdentityTests(cluster);
