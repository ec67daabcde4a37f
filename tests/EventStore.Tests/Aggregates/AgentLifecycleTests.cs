using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Aggregates.AggregateTestKit;

namespace EventStore.Tests.Aggregates;

public abstract class AgentLifecycleTests(JournalCluster cluster)
{
    [Fact]
    public async Task An_agent_spawned_started_given_two_tasks_and_stopped_folds_every_step_and_rebuilds_the_same_from_the_journal()
    {
        var id = Ids.New("agent");
        var agent = cluster.Client.GetGrain<IAgentGrain>(id);
        var t0 = NowMs();
        var taskA = Ids.New("task");
        var taskB = Ids.New("task");
        var receipts = new List<EventReceipt>();

        receipts.Add(await agent.Spawn("coder", AgentDomain.Core, ["csharp", "sql"]));
        var spawned = await agent.GetState();
        Assert.Equal((AgentLifecycle.Spawned, AgentStatus.Idle, 1L), (spawned.Lifecycle, spawned.Status, spawned.Version));
        Assert.Null(spawned.StartedAt);

        receipts.Add(await agent.Start());
        var started = await agent.GetState();
        Assert.Equal((AgentLifecycle.Running, AgentStatus.Active), (started.Lifecycle, started.Status));

        receipts.Add(await agent.AssignTask(taskA));
        var busy = await agent.GetState();
        Assert.Equal((taskA, 1, AgentStatus.Active), (busy.CurrentTaskId, busy.TaskCount, busy.Status));
        AssertWithin(busy.CurrentTaskAssignedAt, t0, DateTimeOffset.UtcNow, nameof(busy.CurrentTaskAssignedAt));

        receipts.Add(await agent.CompleteTask(taskA, "merged"));
        var free = await agent.GetState();
        Assert.Equal((null, null, 1, AgentStatus.Idle), (free.CurrentTaskId, free.CurrentTaskAssignedAt, free.CompletedTaskCount, free.Status));

        receipts.Add(await agent.ChangeStatus(AgentStatus.Blocked));
        Assert.Equal(AgentStatus.Blocked, (await agent.GetState()).Status);

        receipts.Add(await agent.AssignTask(taskB));
        receipts.Add(await agent.CompleteTask(taskB, null));
        receipts.Add(await agent.Stop("work done"));
        var t1 = DateTimeOffset.UtcNow;

        var state = await agent.GetState();
        var rows = AssertStream(cluster, id, AggregateTypes.Agent, receipts,
            "agent:spawned", "agent:started", "agent:task-assigned", "agent:task-completed",
            "agent:status-changed", "agent:task-assigned", "agent:task-completed", "agent:stopped");
        AssertViewAtLastRow(state, rows);
        Assert.All(rows, r => Assert.Equal(id, r.Source)); // an agent's events default to the agent as source
        Assert.All(rows, r => Assert.Equal((null, null, null), (r.Metadata, r.CausationId, r.CorrelationId)));

        Assert.Equal(id, state.AgentId);
        Assert.Equal("coder", state.Role);
        Assert.Equal(AgentDomain.Core, state.Domain);
        Assert.Equal(new[] { "csharp", "sql" }, state.Capabilities);
        Assert.Equal((AgentLifecycle.Stopped, AgentStatus.Completed), (state.Lifecycle, state.Status));
        Assert.Equal((null, null), (state.CurrentTaskId, state.CurrentTaskAssignedAt));
        Assert.Equal((2, 2, 0, (string?)null), (state.TaskCount, state.CompletedTaskCount, state.ErrorCount, state.LastError));
        Assert.Equal("work done", state.StopReason);
        AssertWithin(state.SpawnedAt, t0, t1, nameof(state.SpawnedAt));
        AssertWithin(state.StartedAt, state.SpawnedAt!.Value, t1, nameof(state.StartedAt));
        AssertWithin(state.StoppedAt, state.StartedAt!.Value, t1, nameof(state.StoppedAt));

        // Payloads: camelCase JSON, enums as kebab-case strings, durations adding up to the view's total.
        var spawnedPayload = Payload(rows[0]);
        Assert.Equal(id, spawnedPayload.GetProperty("agentId").GetString());
        Assert.Equal("core", spawnedPayload.GetProperty("domain").GetString());
        Assert.Equal(new[] { "csharp", "sql" }, spawnedPayload.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        var statusChanged = Payload(rows[4]);
        Assert.Equal(("idle", "blocked"), (statusChanged.GetProperty("previousStatus").GetString(), statusChanged.GetProperty("newStatus").GetString()));
        Assert.Equal(taskA, Payload(rows[3]).GetProperty("taskId").GetString());
        Assert.Equal("merged", Payload(rows[3]).GetProperty("result").GetString());
        Assert.Equal(taskB, Payload(rows[6]).GetProperty("taskId").GetString());
        var durations = new[] { rows[3], rows[6] }.Select(r => Payload(r).GetProperty("duration").GetInt64()).ToList();
        Assert.All(durations, d => Assert.InRange(d, 0, (long)(t1 - t0).TotalMilliseconds + 1));
        Assert.Equal(durations.Sum(), state.TotalTaskDurationMs);
        Assert.Equal("work done", Payload(rows[7]).GetProperty("reason").GetString());

        var rebuilt = await AssertSurvivesDeactivation(cluster, agent, agent.GetState);
        Assert.Equal(AgentLifecycle.Stopped, rebuilt.Lifecycle);

        // The rebuilt agent still knows it is stopped for good.
        var error = await Assert.ThrowsAsync<InvalidTransitionException>(() => agent.Start());
        Assert.Contains("stopped", error.Message);
        Assert.Equal(8, cluster.Journal.Count(id));
    }

    [Fact]
    public async Task An_agent_that_fails_loses_its_task_counts_the_error_and_can_start_again_after_a_restart()
    {
        var id = Ids.New("agent");
        var agent = cluster.Client.GetGrain<IAgentGrain>(id);
        var t0 = NowMs();
        var receipts = new List<EventReceipt>
        {
            await agent.Spawn("tester", AgentDomain.Quality, ["xunit"]),
            await agent.Start(),
            await agent.AssignTask("task-1"),
            await agent.Fail("out of memory", "at Worker.Run()"),
        };
        var failed = await agent.GetState();
        Assert.Equal((AgentLifecycle.Failed, AgentStatus.Error), (failed.Lifecycle, failed.Status));
        Assert.Equal((null, null), (failed.CurrentTaskId, failed.CurrentTaskAssignedAt));
        Assert.Equal((1, 1, 0, "out of memory"), (failed.ErrorCount, failed.TaskCount, failed.CompletedTaskCount, failed.LastError));
        var firstStart = failed.StartedAt!.Value;

        receipts.Add(await agent.Start());
        var restarted = await agent.GetState();
        Assert.Equal((AgentLifecycle.Running, AgentStatus.Active), (restarted.Lifecycle, restarted.Status));
        Assert.True(restarted.StartedAt >= firstStart, "StartedAt moves to the new start");
        Assert.Equal(1, restarted.ErrorCount);

        receipts.Add(await agent.AssignTask("task-2"));
        receipts.Add(await agent.CompleteTask("task-2", "ok"));
        receipts.Add(await agent.Fail("disk full"));
        var t1 = DateTimeOffset.UtcNow;

        var rows = AssertStream(cluster, id, AggregateTypes.Agent, receipts,
            "agent:spawned", "agent:started", "agent:task-assigned", "agent:failed",
            "agent:started", "agent:task-assigned", "agent:task-completed", "agent:failed");
        var firstFailure = Payload(rows[3]);
        Assert.Equal(("out of memory", "at Worker.Run()"), (firstFailure.GetProperty("error").GetString(), firstFailure.GetProperty("stack").GetString()));
        AssertWithin(firstFailure.GetProperty("failedAt").GetDateTimeOffset(), t0, t1, "failedAt");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, Payload(rows[7]).GetProperty("stack").ValueKind);

        var state = await AssertSurvivesDeactivation(cluster, agent, agent.GetState);
        AssertViewAtLastRow(state, rows);
        Assert.Equal((AgentLifecycle.Failed, AgentStatus.Error, 2, "disk full"), (state.Lifecycle, state.Status, state.ErrorCount, state.LastError));
        Assert.Equal((2, 1), (state.TaskCount, state.CompletedTaskCount));

        // After the restart the agent continues at the next version, with no gap.
        receipts.Add(await agent.Start());
        AssertStream(cluster, id, AggregateTypes.Agent, receipts,
            "agent:spawned", "agent:started", "agent:task-assigned", "agent:failed",
            "agent:started", "agent:task-assigned", "agent:task-completed", "agent:failed", "agent:started");
        Assert.Equal((9L, AgentLifecycle.Running), (receipts[^1].Version, (await agent.GetState()).Lifecycle));
    }

    [Fact]
    public async Task An_agent_that_fails_before_it_ever_started_can_be_started_and_a_failed_agent_can_be_stopped()
    {
        var id = Ids.New("agent");
        var agent = cluster.Client.GetGrain<IAgentGrain>(id);
        var receipts = new List<EventReceipt>
        {
            await agent.Spawn("deployer", AgentDomain.Deployment, []),
            await agent.Fail("no credentials"),
            await agent.ChangeStatus(AgentStatus.Idle),
            await agent.Start(),
            await agent.Fail("lost connection"),
            await agent.Stop("giving up"),
        };

        var rows = AssertStream(cluster, id, AggregateTypes.Agent, receipts,
            "agent:spawned", "agent:failed", "agent:status-changed", "agent:started", "agent:failed", "agent:stopped");
        var statusChanged = Payload(rows[2]);
        Assert.Equal(("error", "idle"), (statusChanged.GetProperty("previousStatus").GetString(), statusChanged.GetProperty("newStatus").GetString()));

        var state = await AssertSurvivesDeactivation(cluster, agent, agent.GetState);
        AssertViewAtLastRow(state, rows);
        Assert.Empty(state.Capabilities);
        Assert.Equal(AgentDomain.Deployment, state.Domain);
        Assert.Equal((AgentLifecycle.Stopped, AgentStatus.Completed, 2, "lost connection", "giving up"),
            (state.Lifecycle, state.Status, state.ErrorCount, state.LastError, state.StopReason));
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class AgentLifecycleTests_Sqlite(JournalCluster cluster) : AgentLifecycleTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class AgentLifecycleTests_Postgres(PostgresJournalCluster cluster) : AgentLifecycleTests(cluster);
