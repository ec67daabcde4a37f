using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Tests.Infrastructure;
using static EventStore.Tests.Aggregates.AggregateTestKit;

namespace EventStore.Tests.Aggregates;

public abstract class TaskLifecycleTests(JournalCluster cluster)
{
    [Fact]
    public async Task A_task_created_queued_started_and_completed_folds_every_step_and_rebuilds_the_same_from_the_journal()
    {
        var id = Ids.New("task");
        var task = cluster.Client.GetGrain<ITaskGrain>(id);
        var t0 = NowMs();
        var receipts = new List<EventReceipt>();

        receipts.Add(await task.Create("code", "Implement journal", "Write the SQLite journal", TaskPriority.High, ["dep-a", "dep-b"]));
        var created = await task.GetState();
        Assert.Equal((TaskItemStatus.Pending, TaskPriority.High, 0), (created.Status, created.Priority, created.Attempts));
        Assert.Null(created.QueuedAt);

        receipts.Add(await task.Queue(TaskPriority.Critical));
        var queued = await task.GetState();
        Assert.Equal((TaskItemStatus.Queued, TaskPriority.Critical), (queued.Status, queued.Priority));
        AssertWithin(queued.QueuedAt, t0, DateTimeOffset.UtcNow, nameof(queued.QueuedAt));

        receipts.Add(await task.Start("agent-7"));
        var running = await task.GetState();
        Assert.Equal((TaskItemStatus.InProgress, "agent-7", 1), (running.Status, running.AssignedAgentId, running.Attempts));
        Assert.Null(running.CompletedAt);

        receipts.Add(await task.Complete("42 files changed"));
        var t1 = DateTimeOffset.UtcNow;

        var state = await task.GetState();
        var rows = AssertStream(cluster, id, AggregateTypes.Task, receipts, "task:created", "task:queued", "task:started", "task:completed");
        AssertViewAtLastRow(state, rows);
        Assert.All(rows, r => Assert.Equal("coordinator", r.Source));

        Assert.Equal((id, "code", "Implement journal", "Write the SQLite journal"), (state.TaskId, state.TaskType, state.Title, state.Description));
        Assert.Equal(new[] { "dep-a", "dep-b" }, state.Dependencies);
        Assert.Empty(state.BlockedBy);
        Assert.Equal((TaskItemStatus.Completed, TaskPriority.Critical, "agent-7"), (state.Status, state.Priority, state.AssignedAgentId));
        Assert.Equal((1, 0, "42 files changed", (string?)null), (state.Attempts, state.FailureCount, state.Result, state.Error));
        AssertWithin(state.CreatedAt, t0, t1, nameof(state.CreatedAt));
        AssertWithin(state.QueuedAt, state.CreatedAt!.Value, t1, nameof(state.QueuedAt));
        AssertWithin(state.StartedAt, state.QueuedAt!.Value, t1, nameof(state.StartedAt));
        AssertWithin(state.CompletedAt, state.StartedAt!.Value, t1, nameof(state.CompletedAt));
        Assert.Null(state.FailedAt);
        Assert.Null(state.BlockedAt);
        Assert.Equal((long)(state.CompletedAt!.Value - state.StartedAt!.Value).TotalMilliseconds, state.DurationMs);

        var createdPayload = Payload(rows[0]);
        Assert.Equal((id, "code", "high"), (createdPayload.GetProperty("taskId").GetString(), createdPayload.GetProperty("taskType").GetString(), createdPayload.GetProperty("priority").GetString()));
        Assert.Equal(new[] { "dep-a", "dep-b" }, createdPayload.GetProperty("dependencies").EnumerateArray().Select(d => d.GetString()!));
        Assert.Equal("critical", Payload(rows[1]).GetProperty("priority").GetString());
        Assert.Equal("agent-7", Payload(rows[2]).GetProperty("agentId").GetString());
        var completed = Payload(rows[3]);
        Assert.Equal(("42 files changed", state.DurationMs), (completed.GetProperty("result").GetString(), completed.GetProperty("duration").GetInt64()));

        var rebuilt = await AssertSurvivesDeactivation(cluster, task, task.GetState);
        Assert.Equal(TaskItemStatus.Completed, rebuilt.Status);

        // The rebuilt task still refuses to complete twice, and writes nothing.
        var error = await Assert.ThrowsAsync<InvalidTransitionException>(() => task.Complete("again"));
        Assert.Contains("already completed", error.Message);
        Assert.Equal(4, cluster.Journal.Count(id));
    }

    [Fact]
    public async Task A_task_that_fails_is_queued_again_and_completes_on_its_second_attempt()
    {
        var id = Ids.New("task");
        var task = cluster.Client.GetGrain<ITaskGrain>(id);
        var t0 = NowMs();
        var receipts = new List<EventReceipt>
        {
            await task.Create("test", "Run tests", "", TaskPriority.Normal, []),
            await task.Start("agent-1"),
            await task.Fail("timeout", "at Runner.Wait()"),
        };
        var failed = await task.GetState();
        Assert.Equal((TaskItemStatus.Failed, 1, 1, "timeout"), (failed.Status, failed.Attempts, failed.FailureCount, failed.Error));
        AssertWithin(failed.FailedAt, t0, DateTimeOffset.UtcNow, nameof(failed.FailedAt));

        receipts.Add(await task.Queue(TaskPriority.High));
        Assert.Equal(TaskItemStatus.Queued, (await task.GetState()).Status);
        receipts.Add(await task.Start("agent-2"));
        receipts.Add(await task.Complete("green"));

        var rows = AssertStream(cluster, id, AggregateTypes.Task, receipts,
            "task:created", "task:started", "task:failed", "task:queued", "task:started", "task:completed");
        var failure = Payload(rows[2]);
        Assert.Equal(0, failure.GetProperty("retryCount").GetInt32()); // no attempt before the first one
        Assert.Equal(("timeout", "at Runner.Wait()", id),
            (failure.GetProperty("error").GetString(), failure.GetProperty("stack").GetString(), failure.GetProperty("taskId").GetString()));
        Assert.Equal("agent-2", Payload(rows[4]).GetProperty("agentId").GetString());

        var state = await AssertSurvivesDeactivation(cluster, task, task.GetState);
        AssertViewAtLastRow(state, rows);
        Assert.Equal((TaskItemStatus.Completed, 2, 1), (state.Status, state.Attempts, state.FailureCount));
        Assert.Equal(("agent-2", "green", "timeout"), (state.AssignedAgentId, state.Result, state.Error));
        Assert.Equal(TaskPriority.High, state.Priority);
        Assert.NotNull(state.FailedAt);
        Assert.True(state.StartedAt > state.FailedAt, "StartedAt is the second attempt's start");
    }

    [Fact]
    public async Task Each_failed_attempt_reports_how_many_attempts_came_before_it()
    {
        var id = Ids.New("task");
        var task = cluster.Client.GetGrain<ITaskGrain>(id);
        await task.Create("build", "Build", "", TaskPriority.Low, []);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (attempt > 0) await task.Queue(TaskPriority.Low);
            await task.Start($"agent-{attempt}");
            await task.Fail($"failure {attempt}");
        }

        var failures = cluster.Journal.Rows(id).Where(r => r.Type == "task:failed").Select(Payload).ToList();
        Assert.Equal(new[] { 0, 1, 2 }, failures.Select(f => f.GetProperty("retryCount").GetInt32()));
        var state = await AssertSurvivesDeactivation(cluster, task, task.GetState);
        Assert.Equal((TaskItemStatus.Failed, 3, 3, "failure 2"), (state.Status, state.Attempts, state.FailureCount, state.Error));
        Assert.Equal(9, state.Version);
    }

    [Fact]
    public async Task A_blocked_task_keeps_its_blockers_until_it_is_queued_again_and_then_runs()
    {
        var id = Ids.New("task");
        var task = cluster.Client.GetGrain<ITaskGrain>(id);
        var t0 = NowMs();
        var receipts = new List<EventReceipt>
        {
            await task.Create("deploy", "Deploy", "to staging", TaskPriority.Normal, ["build-1"]),
            await task.Queue(TaskPriority.Normal),
            await task.Block(["build-1", "db-migration"]),
        };
        var blocked = await task.GetState();
        Assert.Equal(TaskItemStatus.Blocked, blocked.Status);
        Assert.Equal(new[] { "build-1", "db-migration" }, blocked.BlockedBy);
        AssertWithin(blocked.BlockedAt, t0, DateTimeOffset.UtcNow, nameof(blocked.BlockedAt));

        // A blocked task cannot start before it is queued again; the refusal writes nothing.
        var refused = await Assert.ThrowsAsync<InvalidTransitionException>(() => task.Start("agent-1"));
        Assert.Contains("blocked by build-1, db-migration", refused.Message);
        Assert.Equal(3, cluster.Journal.Count(id));

        receipts.Add(await task.Queue(TaskPriority.High));
        var requeued = await task.GetState();
        Assert.Equal((TaskItemStatus.Queued, TaskPriority.High), (requeued.Status, requeued.Priority));
        Assert.Empty(requeued.BlockedBy);
        Assert.NotNull(requeued.BlockedAt); // when it was last blocked stays known

        receipts.Add(await task.Start("agent-1"));
        receipts.Add(await task.Block(["gpu"]));  // blocked in the middle of an attempt
        receipts.Add(await task.Queue(TaskPriority.High));
        receipts.Add(await task.Start("agent-2"));
        receipts.Add(await task.Complete(null));

        var rows = AssertStream(cluster, id, AggregateTypes.Task, receipts,
            "task:created", "task:queued", "task:blocked", "task:queued", "task:started",
            "task:blocked", "task:queued", "task:started", "task:completed");
        Assert.Equal(new[] { "build-1", "db-migration" }, Payload(rows[2]).GetProperty("blockedBy").EnumerateArray().Select(b => b.GetString()!));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, Payload(rows[8]).GetProperty("result").ValueKind);

        var state = await AssertSurvivesDeactivation(cluster, task, task.GetState);
        AssertViewAtLastRow(state, rows);
        Assert.Equal((TaskItemStatus.Completed, 2, 0, "agent-2", (string?)null), (state.Status, state.Attempts, state.FailureCount, state.AssignedAgentId, state.Result));
        Assert.Empty(state.BlockedBy);
        Assert.Equal(new[] { "build-1" }, state.Dependencies);
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class TaskLifecycleTests_Sqlite(JournalCluster cluster) : TaskLifecycleTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class TaskLifecycleTests_Postgres(PostgresJournalCluster cluster) : TaskLifecycleTests(cluster);
