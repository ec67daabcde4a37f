using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Aggregates;

public abstract class CorrelationTests(JournalCluster cluster)
{
    /// <summary>One command per aggregate type, run with the given context on a fresh aggregate; returns its id.</summary>
    private async Task<string> RunFirstCommand(string aggregate, CommandContext? context)
    {
        var id = Ids.New(aggregate);
        var grains = cluster.Client;
        _ = aggregate switch
        {
            "agent" => await grains.GetGrain<IAgentGrain>(id).Spawn("coder", AgentDomain.Core, [], context),
            "task" => await grains.GetGrain<ITaskGrain>(id).Create("code", "title", "", TaskPriority.Normal, [], context),
            "memory" => await grains.GetGrain<IMemoryNamespaceGrain>(id).Store("key", "text", 1, context: context),
            "swarm" => await grains.GetGrain<ISwarmGrain>(id).Initialize("mesh", 2, new Dictionary<string, string>(), context),
            _ => throw new ArgumentOutOfRangeException(nameof(aggregate)),
        };
        return id;
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("task")]
    [InlineData("memory")]
    [InlineData("swarm")]
    public async Task The_command_context_lands_in_the_rows_correlation_causation_source_and_metadata_columns(string aggregate)
    {
        var correlationId = Ids.New("workflow");
        var causationId = Ids.New("message");
        var context = new CommandContext
        {
            CorrelationId = correlationId,
            CausationId = causationId,
            Source = "planner-agent",
            Metadata = new Dictionary<string, string> { ["traceId"] = "abc123", ["user"] = "alice", ["note"] = "héllo \"quoted\"" },
        };

        var id = await RunFirstCommand(aggregate, context);

        var row = Assert.Single(cluster.Journal.Rows(id));
        Assert.Equal((correlationId, causationId, "planner-agent"), (row.CorrelationId, row.CausationId, row.Source));
        Assert.NotNull(row.Metadata);
        var metadata = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Metadata!);
        Assert.Equal(context.Metadata, metadata);
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("task")]
    [InlineData("memory")]
    [InlineData("swarm")]
    public async Task Without_a_context_the_optional_columns_are_null_and_the_source_is_the_default(string aggregate)
    {
        var id = await RunFirstCommand(aggregate, null);

        var row = Assert.Single(cluster.Journal.Rows(id));
        Assert.Equal((null, null, null), (row.CorrelationId, row.CausationId, row.Metadata));
        var expectedSource = aggregate switch { "agent" => id, "swarm" => "swarm", _ => "coordinator" };
        Assert.Equal(expectedSource, row.Source);
    }

    [Fact]
    public async Task A_correlation_id_carries_across_the_aggregates_of_one_workflow()
    {
        var correlationId = Ids.New("workflow");
        var agentId = Ids.New("agent");
        var taskId = Ids.New("task");
        var agent = cluster.Client.GetGrain<IAgentGrain>(agentId);
        var task = cluster.Client.GetGrain<ITaskGrain>(taskId);

        var created = await task.Create("code", "t", "", TaskPriority.Normal, [], new CommandContext { CorrelationId = correlationId });
        var spawned = await agent.Spawn("coder", AgentDomain.Core, [], new CommandContext { CorrelationId = correlationId, CausationId = created.EventId });
        await agent.Start(new CommandContext { CorrelationId = correlationId, CausationId = spawned.EventId });
        await task.Start(agentId, new CommandContext { CorrelationId = correlationId, CausationId = created.EventId, Source = agentId });

        var workflow = cluster.Journal.Rows().Where(r => r.CorrelationId == correlationId).ToList();
        Assert.Equal(new[] { "task:created", "agent:spawned", "agent:started", "task:started" }, workflow.Select(r => r.Type));
        Assert.Equal(new[] { null, created.EventId, spawned.EventId, created.EventId }, workflow.Select(r => r.CausationId));
        Assert.Equal(agentId, workflow[3].Source);
    }

    [Fact]
    public async Task A_command_retried_twice_with_its_event_id_returns_the_same_receipt_and_writes_one_row()
    {
        var id = Ids.New("memory");
        var memory = cluster.Client.GetGrain<IMemoryNamespaceGrain>(id);
        var eventId = Ids.New("evt");
        var context = new CommandContext { EventId = eventId, CorrelationId = "corr-1" };

        // Store is always allowed, so only the event id stops a retry from writing a second event.
        var first = await memory.Store("k", "text", 5, context: context);
        var retry1 = await memory.Store("k", "text", 5, context: context);
        var retry2 = await memory.Store("k", "text", 5, context: context);

        Assert.Equal(eventId, first.EventId);
        Assert.Equal(first, retry1);
        Assert.Equal(first, retry2);
        var row = Assert.Single(cluster.Journal.Rows(id));
        Assert.Equal(new EventReceipt(row.Id, row.Type, id, row.Version, row.Position), first);
        Assert.Equal((eventId, "corr-1"), (row.Id, row.CorrelationId));
        Assert.Equal(1, (await memory.GetState()).Version);

        // Still idempotent once the grain has forgotten everything but the journal.
        await cluster.DeactivateAsync(memory);
        Assert.Equal(first, await memory.Store("k", "text", 5, context: context));
        Assert.Single(cluster.Journal.Rows(id));

        // A new id is a new event.
        var next = await memory.Store("k", "text", 5, context: context with { EventId = Ids.New("evt") });
        Assert.Equal(2, next.Version);
        Assert.Equal(2, cluster.Journal.Count(id));
    }

    [Fact]
    public async Task A_retried_command_whose_transition_is_now_impossible_still_returns_its_original_receipt()
    {
        var id = Ids.New("agent");
        var agent = cluster.Client.GetGrain<IAgentGrain>(id);
        var context = new CommandContext { EventId = Ids.New("evt") };

        var spawned = await agent.Spawn("coder", AgentDomain.Core, ["a"], context);
        var started = await agent.Start(new CommandContext { EventId = Ids.New("evt") });

        // Spawning again would be refused, but a retry of the very same spawn is answered from the journal.
        Assert.Equal(spawned, await agent.Spawn("coder", AgentDomain.Core, ["a"], context));
        Assert.Equal(spawned, await agent.Spawn("coder", AgentDomain.Core, ["a"], context));
        Assert.Equal((1L, 2L), (spawned.Version, started.Version));
        Assert.Equal(2, cluster.Journal.Count(id));
        Assert.Equal(AgentLifecycle.Running, (await agent.GetState()).Lifecycle);
    }

    [Fact]
    public async Task Concurrent_retries_of_one_command_on_one_aggregate_write_one_row()
    {
        var id = Ids.New("task");
        var task = cluster.Client.GetGrain<ITaskGrain>(id);
        var context = new CommandContext { EventId = Ids.New("evt") };

        var receipts = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => task.Create("code", "t", "", TaskPriority.Normal, [], context)));

        Assert.All(receipts, r => Assert.Equal(receipts[0], r));
        var row = Assert.Single(cluster.Journal.Rows(id));
        Assert.Equal((context.EventId, 1L, row.Position), (receipts[0].EventId, receipts[0].Version, receipts[0].Position));
    }

    [Fact]
    public async Task An_event_id_reused_for_a_different_command_on_the_same_aggregate_is_refused_and_writes_nothing()
    {
        var id = Ids.New("agent");
        var agent = cluster.Client.GetGrain<IAgentGrain>(id);
        var eventId = Ids.New("evt");
        await agent.Spawn("coder", AgentDomain.Core, [], new CommandContext { EventId = eventId });
        var before = cluster.Journal.Count();

        var error = await Assert.ThrowsAsync<DuplicateEventIdException>(() => agent.Start(new CommandContext { EventId = eventId }));

        Assert.Equal(eventId, error.EventId);
        Assert.Contains(eventId, error.Message);
        Assert.Contains("agent:spawned", error.Message);
        Assert.Equal(before, cluster.Journal.Count());
        Assert.Equal(AgentLifecycle.Spawned, (await agent.GetState()).Lifecycle);
    }

    [Fact]
    public async Task An_event_id_reused_on_another_aggregate_of_the_same_type_is_refused_and_writes_nothing()
    {
        var eventId = Ids.New("evt");
        var firstId = Ids.New("agent");
        var secondId = Ids.New("agent");
        await cluster.Client.GetGrain<IAgentGrain>(firstId).Spawn("coder", AgentDomain.Core, [], new CommandContext { EventId = eventId });
        var second = cluster.Client.GetGrain<IAgentGrain>(secondId);
        var before = cluster.Journal.Count();

        var error = await Assert.ThrowsAsync<DuplicateEventIdException>(() => second.Spawn("coder", AgentDomain.Core, [], new CommandContext { EventId = eventId }));

        Assert.Equal(eventId, error.EventId);
        Assert.Contains(firstId, error.Message);
        Assert.Equal(before, cluster.Journal.Count());
        Assert.Equal(0, cluster.Journal.Count(secondId));
        Assert.False((await second.GetState()).Exists);
        // The refused agent is still free to spawn under a fresh id.
        Assert.Equal(1, (await second.Spawn("coder", AgentDomain.Core, [])).Version);
    }

    [Fact]
    public async Task An_event_id_reused_on_an_aggregate_of_another_type_is_refused_and_writes_nothing()
    {
        var eventId = Ids.New("evt");
        var swarmId = Ids.New("swarm");
        await cluster.Client.GetGrain<ISwarmGrain>(swarmId).Initialize("mesh", 3, new Dictionary<string, string>(), new CommandContext { EventId = eventId });
        var taskId = Ids.New("task");
        var memoryId = Ids.New("memory");
        var before = cluster.Journal.Count();

        var onTask = await Assert.ThrowsAsync<DuplicateEventIdException>(() =>
            cluster.Client.GetGrain<ITaskGrain>(taskId).Create("code", "t", "", TaskPriority.Normal, [], new CommandContext { EventId = eventId }));
        var onMemory = await Assert.ThrowsAsync<DuplicateEventIdException>(() =>
            cluster.Client.GetGrain<IMemoryNamespaceGrain>(memoryId).Store("k", "text", 1, context: new CommandContext { EventId = eventId }));

        Assert.All(new[] { onTask, onMemory }, e => Assert.Contains(swarmId, e.Message));
        Assert.Equal(before, cluster.Journal.Count());
        Assert.Equal(("swarm:initialized", swarmId), (cluster.Journal.Rows().Single(r => r.Id == eventId).Type, cluster.Journal.Rows().Single(r => r.Id == eventId).AggregateId));
    }

    [Fact]
    public async Task Two_aggregates_racing_with_one_event_id_store_it_once_and_the_loser_gets_a_duplicate_error()
    {
        var eventId = Ids.New("evt");
        var ids = new[] { Ids.New("agent"), Ids.New("agent") };
        var before = cluster.Journal.Count();

        var attempts = ids.Select(async id =>
        {
            try
            {
                return (Receipt: await cluster.Client.GetGrain<IAgentGrain>(id).Spawn("coder", AgentDomain.Core, [], new CommandContext { EventId = eventId }), Error: (Exception?)null);
            }
            catch (Exception ex)
            {
                return (Receipt: (EventReceipt?)null, Error: ex);
            }
        }).ToList();
        var outcomes = await Task.WhenAll(attempts);

        var winner = Assert.Single(outcomes, o => o.Receipt is not null);
        var loser = Assert.Single(outcomes, o => o.Error is not null);
        Assert.IsType<DuplicateEventIdException>(loser.Error);
        Assert.Equal(before + 1, cluster.Journal.Count());
        var row = Assert.Single(cluster.Journal.Rows(winner.Receipt!.AggregateId));
        Assert.Equal(eventId, row.Id);
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class CorrelationTests_Sqlite(JournalCluster cluster) : CorrelationTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class CorrelationTests_Postgres(PostgresJournalCluster cluster) : CorrelationTests(cluster);
