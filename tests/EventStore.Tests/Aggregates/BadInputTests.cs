using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Aggregates;

/// <summary>
/// Every bad command is refused with the right error, a message naming the problem, and no row written.
/// Each case sets up its own fresh grains, then hands back the one bad command to run.
/// </summary>
public abstract class BadInputTests(JournalCluster cluster)
{
    /// <summary>The bad command, and the aggregate it targets when the message must name it.</summary>
    public sealed record Bad(Func<Task> Act, string? AggregateId = null);

    /// <summary>One row of the table.</summary>
    public sealed record BadCase(Type Expected, string[] MessageParts, Func<IGrainFactory, Task<Bad>> Arrange);

    private const int TwoMiB = 2 * 1024 * 1024;
    private static readonly string TooLong = new('x', 257);
    private static readonly Dictionary<string, string> NoConfig = [];
    private static readonly Dictionary<string, double> NoMetrics = [];

    private static readonly Dictionary<string, BadCase> Cases = new()
    {
        // ---- ids: grain keys -------------------------------------------------------------------------
        // Orleans itself refuses an empty or blank grain key on the client, before any grain runs.
        ["agent_key_empty"] = new(typeof(ArgumentException), ["empty"],
            f => Now(() => f.GetGrain<IAgentGrain>("").Spawn("coder", AgentDomain.Core, []))),
        ["task_key_white_space"] = new(typeof(ArgumentException), ["whitespace"],
            f => Now(() => f.GetGrain<ITaskGrain>("   ").Create("code", "t", "", TaskPriority.Normal, []))),
        ["agent_key_over_256_chars"] = new(typeof(InvalidCommandException), ["aggregateId", "257 characters", "limit of 256"],
            f => Now(() => f.GetGrain<IAgentGrain>(new string('a', 257)).Spawn("coder", AgentDomain.Core, []))),
        ["swarm_key_over_256_chars"] = new(typeof(InvalidCommandException), ["aggregateId", "limit of 256"],
            f => Now(() => f.GetGrain<ISwarmGrain>(TooLong).Initialize("mesh", 3, NoConfig))),
        ["memory_key_with_surrounding_white_space"] = new(typeof(InvalidCommandException), ["aggregateId", "white space"],
            f => Now(() => f.GetGrain<IMemoryNamespaceGrain>($" {Ids.New("memory")}").Store("k", "text", 1))),
        ["task_with_the_id_of_an_agent"] = new(typeof(InvalidCommandException), ["aggregateId", "agent"],
            async f =>
            {
                var id = Ids.New("shared");
                await f.GetGrain<IAgentGrain>(id).Spawn("coder", AgentDomain.Core, []);
                return new Bad(() => f.GetGrain<ITaskGrain>(id).Create("code", "t", "", TaskPriority.Normal, []), id);
            }),

        // ---- ids: arguments ---------------------------------------------------------------------------
        ["spawn_role_empty"] = new(typeof(InvalidCommandException), ["role", "empty"],
            f => Now(() => NewAgent(f).Spawn("", AgentDomain.Core, []))),
        ["spawn_role_white_space"] = new(typeof(InvalidCommandException), ["role", "white space"],
            f => Now(() => NewAgent(f).Spawn(" \t ", AgentDomain.Core, []))),
        ["spawn_capability_empty"] = new(typeof(InvalidCommandException), ["capabilities[1]", "empty"],
            f => Now(() => NewAgent(f).Spawn("coder", AgentDomain.Core, ["csharp", ""]))),
        ["spawn_capability_over_256_chars"] = new(typeof(InvalidCommandException), ["capabilities[0]", "limit of 256"],
            f => Now(() => NewAgent(f).Spawn("coder", AgentDomain.Core, [TooLong]))),
        ["spawn_capabilities_duplicated"] = new(typeof(InvalidCommandException), ["capabilities", "duplicates"],
            f => Now(() => NewAgent(f).Spawn("coder", AgentDomain.Core, ["sql", "sql"]))),
        ["assign_task_id_white_space"] = new(typeof(InvalidCommandException), ["taskId", "white space"],
            async f => { var agent = await RunningAgent(f); return new Bad(() => agent.AssignTask("  ")); }),
        ["assign_task_id_over_256_chars"] = new(typeof(InvalidCommandException), ["taskId", "limit of 256"],
            async f => { var agent = await RunningAgent(f); return new Bad(() => agent.AssignTask(TooLong)); }),
        ["create_task_type_over_256_chars"] = new(typeof(InvalidCommandException), ["taskType", "limit of 256"],
            f => Now(() => NewTask(f).Create(TooLong, "t", "", TaskPriority.Normal, []))),
        ["create_task_title_white_space"] = new(typeof(InvalidCommandException), ["title", "white space"],
            f => Now(() => NewTask(f).Create("code", "   ", "", TaskPriority.Normal, []))),
        ["create_task_depending_on_itself"] = new(typeof(InvalidCommandException), ["dependencies", "itself"],
            f => { var id = Ids.New("task"); return Now(() => f.GetGrain<ITaskGrain>(id).Create("code", "t", "", TaskPriority.Normal, ["other", id])); }),
        ["start_task_agent_id_empty"] = new(typeof(InvalidCommandException), ["agentId", "empty"],
            async f => { var task = await CreatedTask(f); return new Bad(() => task.Start("")); }),
        ["block_task_on_nothing"] = new(typeof(InvalidCommandException), ["blockedBy", "must not be empty"],
            async f => { var task = await CreatedTask(f); return new Bad(() => task.Block([])); }),
        ["store_memory_key_empty"] = new(typeof(InvalidCommandException), ["key", "empty"],
            f => Now(() => NewMemory(f).Store("", "text", 1))),
        ["store_memory_key_over_256_chars"] = new(typeof(InvalidCommandException), ["key", "limit of 256"],
            f => Now(() => NewMemory(f).Store(TooLong, "text", 1))),
        ["store_memory_type_white_space"] = new(typeof(InvalidCommandException), ["memoryType", "white space"],
            f => Now(() => NewMemory(f).Store("k", " ", 1))),
        ["retrieve_memory_key_white_space"] = new(typeof(InvalidCommandException), ["key", "white space"],
            async f => { var memory = await MemoryWith(f, "k"); return new Bad(() => memory.Retrieve(" ")); }),
        ["initialize_swarm_topology_empty"] = new(typeof(InvalidCommandException), ["topology", "empty"],
            f => Now(() => NewSwarm(f).Initialize("", 3, NoConfig))),
        ["initialize_swarm_config_key_empty"] = new(typeof(InvalidCommandException), ["config key", "empty"],
            f => Now(() => NewSwarm(f).Initialize("mesh", 3, new Dictionary<string, string> { [""] = "v" }))),
        ["milestone_id_over_256_chars"] = new(typeof(InvalidCommandException), ["milestoneId", "limit of 256"],
            async f => { var swarm = await LiveSwarm(f); return new Bad(() => swarm.ReachMilestone(TooLong, "name")); }),

        // ---- command context ---------------------------------------------------------------------------
        ["context_event_id_white_space"] = new(typeof(InvalidCommandException), ["EventId", "white space"],
            f => Now(() => NewAgent(f).Spawn("coder", AgentDomain.Core, [], new CommandContext { EventId = "  " }))),
        ["context_correlation_id_over_256_chars"] = new(typeof(InvalidCommandException), ["CorrelationId", "limit of 256"],
            f => Now(() => NewTask(f).Create("code", "t", "", TaskPriority.Normal, [], new CommandContext { CorrelationId = TooLong }))),
        ["context_metadata_value_null"] = new(typeof(InvalidCommandException), ["Metadata[k]", "null"],
            f => Now(() => NewMemory(f).Store("k", "text", 1, context: new CommandContext { Metadata = new Dictionary<string, string> { ["k"] = null! } }))),

        // ---- null collections and maps -----------------------------------------------------------------
        ["spawn_capabilities_null"] = new(typeof(InvalidCommandException), ["capabilities", "null"],
            f => Now(() => NewAgent(f).Spawn("coder", AgentDomain.Core, null!))),
        ["create_task_dependencies_null"] = new(typeof(InvalidCommandException), ["dependencies", "null"],
            f => Now(() => NewTask(f).Create("code", "t", "", TaskPriority.Normal, null!))),
        ["block_task_blockers_null"] = new(typeof(InvalidCommandException), ["blockedBy", "null"],
            async f => { var task = await CreatedTask(f); return new Bad(() => task.Block(null!)); }),
        ["initialize_swarm_config_null"] = new(typeof(InvalidCommandException), ["config", "null"],
            f => Now(() => NewSwarm(f).Initialize("mesh", 3, null!))),
        ["record_swarm_error_context_null"] = new(typeof(InvalidCommandException), ["errorContext", "null"],
            async f => { var swarm = await LiveSwarm(f); return new Bad(() => swarm.RecordError("boom", null, null!)); }),
        ["terminate_swarm_metrics_null"] = new(typeof(InvalidCommandException), ["metrics", "null"],
            async f => { var swarm = await LiveSwarm(f); return new Bad(() => swarm.Terminate("done", null!)); }),

        // ---- undefined enum values ---------------------------------------------------------------------
        ["spawn_domain_undefined"] = new(typeof(InvalidCommandException), ["domain", "42", nameof(AgentDomain)],
            f => Now(() => NewAgent(f).Spawn("coder", (AgentDomain)42, []))),
        ["change_status_undefined"] = new(typeof(InvalidCommandException), ["newStatus", nameof(AgentStatus)],
            async f => { var agent = await RunningAgent(f); return new Bad(() => agent.ChangeStatus((AgentStatus)(-1))); }),
        ["create_task_priority_undefined"] = new(typeof(InvalidCommandException), ["priority", nameof(TaskPriority)],
            f => Now(() => NewTask(f).Create("code", "t", "", (TaskPriority)42, []))),
        ["queue_task_priority_undefined"] = new(typeof(InvalidCommandException), ["priority", nameof(TaskPriority)],
            async f => { var task = await CreatedTask(f); return new Bad(() => task.Queue((TaskPriority)7)); }),

        // ---- out-of-range numbers ----------------------------------------------------------------------
        ["initialize_swarm_max_agents_zero"] = new(typeof(InvalidCommandException), ["maxAgents", "is 0"],
            f => Now(() => NewSwarm(f).Initialize("mesh", 0, NoConfig))),
        ["initialize_swarm_max_agents_over_limit"] = new(typeof(InvalidCommandException), ["maxAgents", "100001"],
            f => Now(() => NewSwarm(f).Initialize("mesh", 100_001, NoConfig))),
        ["scale_swarm_above_max_agents"] = new(typeof(InvalidCommandException), ["newAgentCount", "is 6", "0..5"],
            async f => { var swarm = await LiveSwarm(f, maxAgents: 5); return new Bad(() => swarm.Scale(6, "too many")); }),
        ["scale_swarm_negative"] = new(typeof(InvalidCommandException), ["newAgentCount", "is -1"],
            async f => { var swarm = await LiveSwarm(f); return new Bad(() => swarm.Scale(-1, "less than none")); }),
        ["store_memory_negative_size"] = new(typeof(InvalidCommandException), ["size", "is -1"],
            f => Now(() => NewMemory(f).Store("k", "text", -1))),
        ["terminate_swarm_with_a_nan_metric"] = new(typeof(InvalidCommandException), ["metrics"],
            async f => { var swarm = await LiveSwarm(f); return new Bad(() => swarm.Terminate("done", new Dictionary<string, double> { ["successRate"] = double.NaN })); }),

        // ---- payload over the 1 MiB default limit ------------------------------------------------------
        ["create_task_with_a_2_MiB_description"] = new(typeof(PayloadTooLargeException), ["task:created", "1,048,576"],
            f => Now(() => NewTask(f).Create("code", "t", new string('d', TwoMiB), TaskPriority.Normal, []))),
        ["complete_task_with_a_2_MiB_result"] = new(typeof(PayloadTooLargeException), ["task:completed", "1,048,576"],
            async f => { var task = await StartedTask(f); return new Bad(() => task.Complete(new string('r', TwoMiB))); }),
        ["record_swarm_error_with_a_2_MiB_stack"] = new(typeof(PayloadTooLargeException), ["swarm:error"],
            async f => { var swarm = await LiveSwarm(f); return new Bad(() => swarm.RecordError("boom", new string('s', TwoMiB), NoConfig)); }),

        // ---- impossible transitions: agent -------------------------------------------------------------
        ["spawn_an_agent_twice"] = new(typeof(InvalidTransitionException), ["spawn", "already exists"],
            async f => { var (id, agent) = await Spawned(f); return new Bad(() => agent.Spawn("coder", AgentDomain.Core, []), id); }),
        ["start_a_never_spawned_agent"] = new(typeof(InvalidTransitionException), ["start", "never spawned"],
            f => { var id = Ids.New("agent"); return Now(() => f.GetGrain<IAgentGrain>(id).Start(), id); }),
        ["start_a_stopped_agent"] = new(typeof(InvalidTransitionException), ["start", "stopped"],
            async f => { var (id, agent) = await Spawned(f); await agent.Stop("done"); return new Bad(() => agent.Start(), id); }),
        ["start_a_running_agent"] = new(typeof(InvalidTransitionException), ["start", "already running"],
            async f => { var (id, agent) = await Spawned(f); await agent.Start(); return new Bad(() => agent.Start(), id); }),
        ["assign_a_task_to_an_agent_not_started"] = new(typeof(InvalidTransitionException), ["assign a task", "not started"],
            async f => { var (id, agent) = await Spawned(f); return new Bad(() => agent.AssignTask("task-1"), id); }),
        ["assign_a_task_to_a_failed_agent"] = new(typeof(InvalidTransitionException), ["assign a task", "failed"],
            async f => { var (id, agent) = await Spawned(f); await agent.Start(); await agent.Fail("boom"); return new Bad(() => agent.AssignTask("task-1"), id); }),
        ["assign_a_task_to_a_busy_agent"] = new(typeof(InvalidTransitionException), ["busy", "task-1"],
            async f => { var (id, agent) = await Spawned(f); await agent.Start(); await agent.AssignTask("task-1"); return new Bad(() => agent.AssignTask("task-2"), id); }),
        ["complete_a_task_the_agent_does_not_hold"] = new(typeof(InvalidTransitionException), ["task-2", "task-1"],
            async f => { var (id, agent) = await Spawned(f); await agent.Start(); await agent.AssignTask("task-1"); return new Bad(() => agent.CompleteTask("task-2", null), id); }),
        ["stop_a_stopped_agent"] = new(typeof(InvalidTransitionException), ["stop", "stopped"],
            async f => { var (id, agent) = await Spawned(f); await agent.Stop("done"); return new Bad(() => agent.Stop("again"), id); }),
        ["fail_a_never_spawned_agent"] = new(typeof(InvalidTransitionException), ["fail", "never spawned"],
            f => { var id = Ids.New("agent"); return Now(() => f.GetGrain<IAgentGrain>(id).Fail("boom"), id); }),
        ["change_an_agent_to_the_status_it_has"] = new(typeof(InvalidTransitionException), ["already", nameof(AgentStatus.Idle)],
            async f => { var (id, agent) = await Spawned(f); return new Bad(() => agent.ChangeStatus(AgentStatus.Idle), id); }),

        // ---- impossible transitions: task --------------------------------------------------------------
        ["create_a_task_twice"] = new(typeof(InvalidTransitionException), ["create", "already exists"],
            async f => { var task = await CreatedTask(f); return new Bad(() => task.Create("code", "t", "", TaskPriority.Normal, []), task.GetPrimaryKeyString()); }),
        ["complete_a_task_that_never_started"] = new(typeof(InvalidTransitionException), ["complete", "never started"],
            async f => { var task = await CreatedTask(f); return new Bad(() => task.Complete("done"), task.GetPrimaryKeyString()); }),
        ["complete_a_task_that_was_never_created"] = new(typeof(InvalidTransitionException), ["complete", "never created"],
            f => { var task = NewTask(f); return Now(() => task.Complete("done"), task.GetPrimaryKeyString()); }),
        ["complete_a_completed_task"] = new(typeof(InvalidTransitionException), ["complete", "already completed"],
            async f => { var task = await StartedTask(f); await task.Complete("ok"); return new Bad(() => task.Complete("again"), task.GetPrimaryKeyString()); }),
        ["fail_a_queued_task"] = new(typeof(InvalidTransitionException), ["fail", "queued"],
            async f => { var task = await CreatedTask(f); await task.Queue(TaskPriority.Normal); return new Bad(() => task.Fail("boom"), task.GetPrimaryKeyString()); }),
        ["start_a_blocked_task"] = new(typeof(InvalidTransitionException), ["start", "blocked by dep-1"],
            async f => { var task = await CreatedTask(f); await task.Block(["dep-1"]); return new Bad(() => task.Start("agent-1"), task.GetPrimaryKeyString()); }),
        ["start_a_task_in_progress"] = new(typeof(InvalidTransitionException), ["start", "in progress"],
            async f => { var task = await StartedTask(f); return new Bad(() => task.Start("agent-2"), task.GetPrimaryKeyString()); }),
        ["queue_a_completed_task"] = new(typeof(InvalidTransitionException), ["queue", "already completed"],
            async f => { var task = await StartedTask(f); await task.Complete(null); return new Bad(() => task.Queue(TaskPriority.High), task.GetPrimaryKeyString()); }),
        ["start_a_failed_task_without_queueing_it"] = new(typeof(InvalidTransitionException), ["start", "failed"],
            async f => { var task = await StartedTask(f); await task.Fail("boom"); return new Bad(() => task.Start("agent-2"), task.GetPrimaryKeyString()); }),
        ["block_a_completed_task"] = new(typeof(InvalidTransitionException), ["block", "already completed"],
            async f => { var task = await StartedTask(f); await task.Complete(null); return new Bad(() => task.Block(["dep-1"]), task.GetPrimaryKeyString()); }),

        // ---- impossible transitions: memory ------------------------------------------------------------
        ["retrieve_an_unknown_key"] = new(typeof(InvalidTransitionException), ["retrieve", "'nope'", "never stored"],
            async f => { var memory = await MemoryWith(f, "k"); return new Bad(() => memory.Retrieve("nope"), memory.GetPrimaryKeyString()); }),
        ["retrieve_a_deleted_key"] = new(typeof(InvalidTransitionException), ["retrieve", "'k'", "deleted"],
            async f => { var memory = await MemoryWith(f, "k"); await memory.Delete("k"); return new Bad(() => memory.Retrieve("k"), memory.GetPrimaryKeyString()); }),
        ["retrieve_an_expired_key"] = new(typeof(InvalidTransitionException), ["retrieve", "'k'", "expired"],
            async f => { var memory = await MemoryWith(f, "k"); await memory.Expire("k", DateTimeOffset.UtcNow.AddSeconds(-1)); return new Bad(() => memory.Retrieve("k"), memory.GetPrimaryKeyString()); }),
        ["delete_a_deleted_key"] = new(typeof(InvalidTransitionException), ["delete", "deleted"],
            async f => { var memory = await MemoryWith(f, "k"); await memory.Delete("k"); return new Bad(() => memory.Delete("k"), memory.GetPrimaryKeyString()); }),
        ["expire_with_a_future_expires_at"] = new(typeof(InvalidTransitionException), ["expire", "future"],
            async f => { var memory = await MemoryWith(f, "k"); return new Bad(() => memory.Expire("k", DateTimeOffset.UtcNow.AddHours(1)), memory.GetPrimaryKeyString()); }),
        ["expire_an_unknown_key"] = new(typeof(InvalidTransitionException), ["expire", "never stored"],
            f => { var memory = NewMemory(f); return Now(() => memory.Expire("k", DateTimeOffset.UtcNow.AddHours(-1)), memory.GetPrimaryKeyString()); }),

        // ---- impossible transitions: swarm -------------------------------------------------------------
        ["initialize_a_swarm_twice"] = new(typeof(InvalidTransitionException), ["initialize", "already initialized"],
            async f => { var swarm = await LiveSwarm(f); return new Bad(() => swarm.Initialize("star", 3, NoConfig), swarm.GetPrimaryKeyString()); }),
        ["scale_a_never_initialized_swarm"] = new(typeof(InvalidTransitionException), ["scale", "never initialized"],
            f => { var swarm = NewSwarm(f); return Now(() => swarm.Scale(1, "go"), swarm.GetPrimaryKeyString()); }),
        ["scale_a_terminated_swarm"] = new(typeof(InvalidTransitionException), ["scale", "terminated"],
            async f => { var swarm = await LiveSwarm(f); await swarm.Terminate("done", NoMetrics); return new Bad(() => swarm.Scale(1, "go"), swarm.GetPrimaryKeyString()); }),
        ["scale_a_swarm_to_its_current_count"] = new(typeof(InvalidTransitionException), ["scale", "already runs 2"],
            async f => { var swarm = await LiveSwarm(f); await swarm.Scale(2, "go"); return new Bad(() => swarm.Scale(2, "same"), swarm.GetPrimaryKeyString()); }),
        ["reach_the_same_milestone_twice"] = new(typeof(InvalidTransitionException), ["milestone", "'m1'", "already reached"],
            async f => { var swarm = await LiveSwarm(f); await swarm.ReachMilestone("m1", "first"); return new Bad(() => swarm.ReachMilestone("m1", "again"), swarm.GetPrimaryKeyString()); }),
        ["change_a_swarm_to_the_phase_it_is_in"] = new(typeof(InvalidTransitionException), ["phase", "already in phase 'build'"],
            async f => { var swarm = await LiveSwarm(f); await swarm.ChangePhase("build"); return new Bad(() => swarm.ChangePhase("build"), swarm.GetPrimaryKeyString()); }),
        ["terminate_a_swarm_twice"] = new(typeof(InvalidTransitionException), ["terminate", "terminated"],
            async f => { var swarm = await LiveSwarm(f); await swarm.Terminate("done", NoMetrics); return new Bad(() => swarm.Terminate("again", NoMetrics), swarm.GetPrimaryKeyString()); }),
    };

    public static TheoryData<string> CaseNames => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task A_bad_command_is_refused_with_a_message_naming_the_problem_and_writes_nothing(string name)
    {
        var @case = Cases[name];
        var bad = await @case.Arrange(cluster.Client);
        var before = cluster.Journal.Count();

        var error = await Record.ExceptionAsync(bad.Act);

        Assert.NotNull(error);
        Assert.IsType(@case.Expected, error);
        foreach (var part in @case.MessageParts) Assert.Contains(part, error.Message);
        if (bad.AggregateId is { } id) Assert.Contains($"'{id}'", error.Message);
        Assert.Equal(before, cluster.Journal.Count());
    }

    [Fact]
    public async Task A_refused_command_leaves_the_aggregate_as_it_was_and_usable()
    {
        var task = await StartedTask(cluster.Client);
        var before = await task.GetState();

        await Assert.ThrowsAsync<PayloadTooLargeException>(() => task.Complete(new string('r', TwoMiB)));
        await Assert.ThrowsAsync<InvalidTransitionException>(() => task.Start("agent-2"));
        await Assert.ThrowsAsync<InvalidCommandException>(() => task.Fail(" "));

        Assert.Equal(AggregateTestKit.Json(before), AggregateTestKit.Json(await task.GetState()));
        var completed = await task.Complete("small result");
        Assert.Equal(3, completed.Version);
        Assert.Equal(new[] { 1L, 2L, 3L }, cluster.Journal.Rows(task.GetPrimaryKeyString()).Select(r => r.Version));
    }

    // ---- fresh grains ------------------------------------------------------------------------------------

    private static Task<Bad> Now(Func<Task> act, string? aggregateId = null) => Task.FromResult(new Bad(act, aggregateId));

    private static IAgentGrain NewAgent(IGrainFactory f) => f.GetGrain<IAgentGrain>(Ids.New("agent"));

    private static ITaskGrain NewTask(IGrainFactory f) => f.GetGrain<ITaskGrain>(Ids.New("task"));

    private static IMemoryNamespaceGrain NewMemory(IGrainFactory f) => f.GetGrain<IMemoryNamespaceGrain>(Ids.New("memory"));

    private static ISwarmGrain NewSwarm(IGrainFactory f) => f.GetGrain<ISwarmGrain>(Ids.New("swarm"));

    private static async Task<(string Id, IAgentGrain Agent)> Spawned(IGrainFactory f)
    {
        var id = Ids.New("agent");
        var agent = f.GetGrain<IAgentGrain>(id);
        await agent.Spawn("coder", AgentDomain.Core, []);
        return (id, agent);
    }

    private static async Task<IAgentGrain> RunningAgent(IGrainFactory f)
    {
        var (_, agent) = await Spawned(f);
        await agent.Start();
        return agent;
    }

    private static async Task<ITaskGrain> CreatedTask(IGrainFactory f)
    {
        var task = NewTask(f);
        await task.Create("code", "t", "", TaskPriority.Normal, []);
        return task;
    }

    private static async Task<ITaskGrain> StartedTask(IGrainFactory f)
    {
        var task = await CreatedTask(f);
        await task.Start("agent-1");
        return task;
    }

    private static async Task<IMemoryNamespaceGrain> MemoryWith(IGrainFactory f, string key)
    {
        var memory = NewMemory(f);
        await memory.Store(key, "text", 1);
        return memory;
    }

    private static async Task<ISwarmGrain> LiveSwarm(IGrainFactory f, int maxAgents = 3)
    {
        var swarm = NewSwarm(f);
        await swarm.Initialize("mesh", maxAgents, NoConfig);
        return swarm;
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class BadInputTests_Sqlite(JournalCluster cluster) : BadInputTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class BadInputTests_Postgres(PostgresJournalCluster cluster) : BadInputTests(cluster);
