using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Projections;

/// <summary>
/// A cluster of its own whose projections' timer runs once an hour: within a test, whatever reaches a
/// projection without a CatchUp call came through the stream (or a gap the stream revealed), never the timer.
/// </summary>
public class StreamDrivenProjectionCluster : JournalCluster
{
    /// <inheritdoc />
    protected override void ConfigureProjections(ProjectionOptions options)
    {
        options.FlushInterval = TimeSpan.FromHours(1);
        options.CommitEveryEvents = 250;
        options.CatchUpPageSize = 100; // catch-ups and rebuilds read many pages
    }
}

/// <summary>A <see cref="StreamDrivenProjectionCluster"/> on PostgreSQL.</summary>
public sealed class PostgresStreamDrivenProjectionCluster : StreamDrivenProjectionCluster
{
    /// <inheritdoc />
    public override JournalProvider Provider => JournalProvider.Postgres;
}

[CollectionDefinition(Name)]
public sealed class StreamDrivenProjectionCollection : ICollectionFixture<StreamDrivenProjectionCluster>
{
    public const string Name = "projection-stream";
}

[CollectionDefinition(Name)]
public sealed class PostgresStreamDrivenProjectionCollection : ICollectionFixture<PostgresStreamDrivenProjectionCluster>
{
    public const string Name = "projection-stream-postgres";
}

/// <summary>Projections against the journal: stream delivery, gaps, concurrency, deactivation, rebuild, duplicates, restart and lag.</summary>
public abstract class ProjectionConsistencyTests(StreamDrivenProjectionCluster cluster)
{
    private IAgentStateProjection Agents => cluster.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
    private ITaskHistoryProjection Tasks => cluster.Client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);
    private IMemoryIndexProjection Memories => cluster.Client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key);
    private IProjection[] All => [Agents, Tasks, Memories];

    [Fact]
    public async Task New_events_reach_all_three_projections_through_the_stream_without_catch_up()
    {
        foreach (var projection in All) await projection.GetStatus(); // active and subscribed before anything is written
        var (agentId, taskId, ns) = (Ids.New("agent"), Ids.New("task"), Ids.New("ns"));

        await cluster.Client.GetGrain<IAgentGrain>(agentId).Spawn("coder", AgentDomain.Core, []);
        await cluster.Client.GetGrain<ITaskGrain>(taskId).Create("build", "Build", "", TaskPriority.High, []);
        var last = await cluster.Client.GetGrain<IMemoryNamespaceGrain>(ns).Store("plan", "document", 64);

        var agent = await Eventually.Until(() => Agents.GetAgent(agentId), a => a is not null, "the agent reaches AgentState");
        var task = await Eventually.Until(() => Tasks.GetTask(taskId), t => t is not null, "the task reaches TaskHistory");
        var memory = await Eventually.Until(() => Memories.GetMemory(ns, $"{ns}/plan"), m => m is not null, "the entry reaches MemoryIndex");
        Assert.Equal(("coder", AgentStatus.Idle), (agent!.Role, agent.Status));
        Assert.Equal((TaskItemStatus.Pending, TaskPriority.High), (task!.Status, task.Priority));
        Assert.Equal((ns, 64L), (memory!.Namespace, memory.Size));
        // Each commits its checkpoint within the commit interval, past positions of other aggregates too.
        foreach (var projection in All) await Eventually.Until(projection.GetStatus, s => s.Checkpoint >= last.Position, "the checkpoint passes the last event");
    }

    [Fact]
    public async Task After_a_concurrent_load_on_hundreds_of_aggregates_every_read_model_equals_a_fold_of_the_journal()
    {
        var prefix = Ids.New("load");
        foreach (var projection in All) await projection.CatchUp(); // active before the load: from now on only the stream feeds them

        await ProjectionLoad.RunAsync(cluster.Client, prefix, agents: 200, tasks: 200, namespaces: 50);

        // Waits for the stream (no CatchUp) to bring the projections to the head, then compares every query.
        await ProjectionAssert.MatchJournalFold(cluster,
            [.. Enumerable.Range(0, 6).Select(i => ProjectionLoad.AgentId(prefix, i))], withoutCatchUp: true);
    }

    [Fact]
    public async Task Projections_deactivated_in_the_middle_of_a_load_catch_up_to_exactly_the_fold_of_the_journal()
    {
        var prefix = Ids.New("bounce");
        var deactivations = new List<Task>();
        var grains = Projectors.All(cluster.Client);

        await ProjectionLoad.RunAsync(cluster.Client, prefix, agents: 100, tasks: 100, namespaces: 20, afterCommand: done =>
        {
            if (done is not (150 or 450 or 750)) return;
            lock (deactivations) deactivations.AddRange(grains.Select(cluster.DeactivateAsync));
        });
        await Task.WhenAll(deactivations);

        Assert.Equal(9, deactivations.Count);
        await ProjectionAssert.MatchJournalFold(cluster, [ProjectionLoad.AgentId(prefix, 0), ProjectionLoad.AgentId(prefix, 1)], withoutCatchUp: true);
    }

    [Fact]
    public async Task Rows_written_without_a_stream_message_are_read_from_the_journal_when_the_next_commit_reveals_the_gap()
    {
        foreach (var projection in All) await projection.CatchUp();
        var (agentId, taskId, ns) = (Ids.New("outside-agent"), Ids.New("outside-task"), Ids.New("outside-ns"));
        var journal = cluster.Journal;
        journal.InsertOutside(agentId, "agent", 1, "agent:spawned", OutsidePayload.Of(new { agentId, role = "importer", domain = "integration", capabilities = Array.Empty<string>() }));
        journal.InsertOutside(agentId, "agent", 2, "agent:started", OutsidePayload.Of(new { agentId, startedAt = DateTimeOffset.UtcNow }));
        journal.InsertOutside(taskId, "task", 1, "task:created", OutsidePayload.Of(new
        {
            taskId, taskType = "import", title = "Imported", description = "", priority = "low", dependencies = Array.Empty<string>(), createdAt = DateTimeOffset.UtcNow,
        }));
        journal.InsertOutside(taskId, "task", 2, "task:queued", OutsidePayload.Of(new { taskId, priority = "critical", queuedAt = DateTimeOffset.UtcNow }));
        journal.InsertOutside(ns, "memory", 1, "memory:stored", OutsidePayload.Of(new
        {
            memoryId = $"{ns}/k", @namespace = ns, key = "k", memoryType = "text", size = 42, storedAt = DateTimeOffset.UtcNow,
        }));
        journal.InsertOutside(ns, "memory", 2, "memory:retrieved", OutsidePayload.Of(new
        {
            memoryId = $"{ns}/k", @namespace = ns, key = "k", retrievedAt = DateTimeOffset.UtcNow, accessCount = 1,
        }));
        Assert.Null(await Agents.GetAgent(agentId)); // no message announced them, and nothing else reads the journal now

        // A normal command: its stream message starts after the six unannounced positions.
        var next = await cluster.Client.GetGrain<IAgentGrain>(Ids.New("agent")).Spawn("coder", AgentDomain.Core, []);

        await Eventually.Until(() => Agents.GetAgent(next.AggregateId), a => a is not null, "the command's agent reaches AgentState");
        var outsider = await Agents.GetAgent(agentId);
        Assert.Equal(("importer", AgentDomain.Integration, AgentStatus.Active), (outsider?.Role, outsider?.Domain, outsider?.Status));
        await Eventually.Until(Tasks.GetStatus, s => s.Checkpoint >= next.Position, "TaskHistory gets the command's message");
        var task = await Tasks.GetTask(taskId);
        Assert.Equal((TaskItemStatus.Queued, TaskPriority.Critical), (task?.Status, task?.Priority));
        await Eventually.Until(Memories.GetStatus, s => s.Checkpoint >= next.Position, "MemoryIndex gets the command's message");
        var memory = await Memories.GetMemory(ns, $"{ns}/k");
        Assert.Equal((42L, 1), (memory?.Size, memory?.AccessCount));
    }

    [Fact]
    public async Task A_projection_activated_after_rows_were_written_without_a_stream_message_applies_them_on_activation()
    {
        foreach (var projection in All) await projection.CatchUp();
        foreach (var projector in Projectors.All(cluster.Client)) await cluster.DeactivateAsync(projector);
        var agentIds = Enumerable.Range(0, 3).Select(_ => Ids.New("dormant")).ToList();
        foreach (var agentId in agentIds)
            cluster.Journal.InsertOutside(agentId, "agent", 1, "agent:spawned", OutsidePayload.Of(new { agentId, role = "dormant", domain = "core", capabilities = Array.Empty<string>() }));
        var head = cluster.Journal.Rows().Max(r => r.Position);

        var status = await Agents.GetStatus(); // the first call activates it

        Assert.Equal((head, head, 0L), (status.Checkpoint, status.HeadPosition, status.LagEvents));
        foreach (var agentId in agentIds) Assert.Equal("dormant", (await Agents.GetAgent(agentId))?.Role);
        Assert.Equal(head, (await Tasks.GetStatus()).Checkpoint);
        Assert.Equal(head, (await Memories.GetStatus()).Checkpoint);
    }

    [Fact]
    public async Task Status_reports_checkpoint_head_and_lag_consistently_and_no_lag_after_catch_up()
    {
        foreach (var projection in All)
        {
            var caughtUp = await projection.CatchUp();
            Assert.Equal((caughtUp.HeadPosition, 0L, 0L), (caughtUp.Checkpoint, caughtUp.LagEvents, caughtUp.LagMilliseconds));
        }
        var checkpoint = (await Agents.GetStatus()).Checkpoint;
        var (agentId, taskId, ns) = (Ids.New("lag-agent"), Ids.New("lag-task"), Ids.New("lag-ns"));
        cluster.Journal.InsertOutside(agentId, "agent", 1, "agent:spawned", OutsidePayload.Of(new { agentId, role = "late", domain = "core", capabilities = Array.Empty<string>() }));
        cluster.Journal.InsertOutside(taskId, "task", 1, "task:created", OutsidePayload.Of(new
        {
            taskId, taskType = "late", title = "Late", description = "", priority = "normal", dependencies = Array.Empty<string>(), createdAt = DateTimeOffset.UtcNow,
        }));
        cluster.Journal.InsertOutside(ns, "memory", 1, "memory:stored", OutsidePayload.Of(new
        {
            memoryId = $"{ns}/k", @namespace = ns, key = "k", memoryType = "text", size = 1, storedAt = DateTimeOffset.UtcNow,
        }));
        var unapplied = cluster.Journal.Rows().Where(r => r.Position > checkpoint).ToList();
        Assert.Equal(3, unapplied.Count);

        foreach (var projection in All)
        {
            var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var status = await projection.GetStatus();
            var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

            Assert.Equal((checkpoint, checkpoint + 3, 3L), (status.Checkpoint, status.HeadPosition, status.LagEvents));
            Assert.Equal(status.HeadPosition - status.Checkpoint, status.LagEvents);
            // The oldest unapplied event has waited since its timestamp: measured between the clock readings around the call.
            Assert.InRange(status.LagMilliseconds, before - unapplied[0].Timestamp, after - unapplied[0].Timestamp);
        }

        foreach (var projection in All)
        {
            var caughtUp = await projection.CatchUp();
            Assert.Equal((checkpoint + 3, checkpoint + 3, 0L, 0L), (caughtUp.Checkpoint, caughtUp.HeadPosition, caughtUp.LagEvents, caughtUp.LagMilliseconds));
            Assert.Equal(caughtUp, await projection.GetStatus());
        }
        Assert.NotNull(await Agents.GetAgent(agentId));
        Assert.NotNull(await Tasks.GetTask(taskId));
        Assert.NotNull(await Memories.GetMemory(ns, $"{ns}/k"));
    }

    [Fact]
    public async Task A_damaged_row_stops_the_projection_before_it_with_a_problem_until_the_row_is_repaired()
    {
        foreach (var projection in All) await projection.CatchUp();
        var (damagedId, nextId) = (Ids.New("damaged"), Ids.New("after-damage"));
        var valid = OutsidePayload.Of(new { agentId = damagedId, role = "repaired", domain = "core", capabilities = Array.Empty<string>() });
        cluster.Journal.InsertOutside(damagedId, "agent", 1, "agent:spawned", valid[..^5]); // cut short: not JSON any more
        cluster.Journal.InsertOutside(nextId, "agent", 1, "agent:spawned", OutsidePayload.Of(new { agentId = nextId, role = "next", domain = "core", capabilities = Array.Empty<string>() }));
        var damaged = cluster.Journal.Rows(damagedId).Single();
        var raw = new RawDatabase(cluster);
        try
        {
            var stuck = await Agents.CatchUp();

            Assert.Equal((damaged.Position - 1, damaged.Position + 1, 2L), (stuck.Checkpoint, stuck.HeadPosition, stuck.LagEvents));
            Assert.False(string.IsNullOrEmpty(stuck.Problem));
            Assert.Null(await Agents.GetAgent(nextId)); // nothing after the damaged row is applied either
            // The other projections do not fold agent rows: they are not held up.
            Assert.Equal((damaged.Position + 1, null), ((await Tasks.CatchUp()).Checkpoint, (await Tasks.GetStatus()).Problem));
            Assert.Equal(damaged.Position + 1, (await Memories.CatchUp()).Checkpoint);

            raw.SetPayload(damaged.Position, valid);
            var repaired = await Agents.CatchUp();

            Assert.Equal((damaged.Position + 1, 0L, null), (repaired.Checkpoint, repaired.LagEvents, repaired.Problem));
            Assert.Equal("repaired", (await Agents.GetAgent(damagedId))?.Role);
            Assert.Equal("next", (await Agents.GetAgent(nextId))?.Role);
        }
        finally
        {
            raw.SetPayload(damaged.Position, valid);
        }
    }

    [Fact]
    public async Task A_row_whose_payload_lacks_the_agent_id_stops_the_projection_with_a_problem_like_any_damaged_row()
    {
        foreach (var projection in All) await projection.CatchUp();
        var agentId = Ids.New("incomplete");
        var valid = OutsidePayload.Of(new { agentId, role = "repaired", domain = "core", capabilities = Array.Empty<string>() });
        cluster.Journal.InsertOutside(agentId, "agent", 1, "agent:spawned", OutsidePayload.Of(new { role = "incomplete", domain = "core", capabilities = Array.Empty<string>() }));
        var row = cluster.Journal.Rows(agentId).Single();
        var raw = new RawDatabase(cluster);
        try
        {
            var stuck = await Agents.CatchUp();

            Assert.Equal((row.Position - 1, 1L), (stuck.Checkpoint, stuck.LagEvents));
            Assert.False(string.IsNullOrEmpty(stuck.Problem), "a projection that cannot apply a row must say why in its status");

            raw.SetPayload(row.Position, valid);
            var repaired = await Agents.CatchUp();

            Assert.Equal((row.Position, null), (repaired.Checkpoint, repaired.Problem));
            Assert.Equal("repaired", (await Agents.GetAgent(agentId))?.Role);
        }
        finally
        {
            raw.SetPayload(row.Position, valid);
        }
    }

    [Fact]
    public async Task A_row_of_an_unknown_event_type_is_skipped_and_the_projection_goes_on()
    {
        foreach (var projection in All) await projection.CatchUp();
        var agentId = Ids.New("future");
        cluster.Journal.InsertOutside(agentId, "agent", 1, "agent:spawned", OutsidePayload.Of(new { agentId, role = "pioneer", domain = "core", capabilities = Array.Empty<string>() }));
        cluster.Journal.InsertOutside(agentId, "agent", 2, "agent:teleported", OutsidePayload.Of(new { agentId, destination = "mars" }));
        cluster.Journal.InsertOutside(agentId, "agent", 3, "agent:started", OutsidePayload.Of(new { agentId, startedAt = DateTimeOffset.UtcNow }));
        var head = cluster.Journal.Rows(agentId)[^1].Position;

        var status = await Agents.CatchUp();

        Assert.Equal((head, 0L, null), (status.Checkpoint, status.LagEvents, status.Problem));
        Assert.Equal(AgentStatus.Active, (await Agents.GetAgent(agentId))?.Status);
        await ProjectionAssert.MatchJournalFold(cluster);
    }

    [Fact]
    public async Task Rebuild_from_position_zero_gives_an_identical_read_model()
    {
        await ProjectionLoad.RunAsync(cluster.Client, Ids.New("rebuild"), agents: 30, tasks: 30, namespaces: 6);
        foreach (var projection in All) await projection.CatchUp();
        var before = await ReadModels();

        foreach (var projection in All)
        {
            var started = await projection.Rebuild();
            Assert.True(started.IsRebuilding, $"{started}");
            Assert.Equal(before, await ReadModels()); // the old tables answer while the new ones fill
            var status = await projection.CatchUp();
            Assert.Equal((status.HeadPosition, 0L, false), (status.Checkpoint, status.LagEvents, status.IsRebuilding));
        }

        Assert.Equal(before, await ReadModels());
        await ProjectionAssert.MatchJournalFold(cluster);
    }

    [Fact]
    public async Task Commits_delivered_again_on_the_stream_change_nothing()
    {
        var (agentId, taskId, ns, firstCountable) = await NonIdempotentHistory();
        foreach (var projection in All) await projection.CatchUp();
        var before = await ReadModels();
        var head = (await Agents.GetStatus()).Checkpoint;
        var store = cluster.Client.GetEventStore();
        var replay = cluster.Client.GetGrain<IBatchReplayGrain>("duplicates");

        // This test's commits after the creations, each delivered again exactly as it was published (one event per commit)…
        var countable = (await store.ReadAll(firstCountable, 100)).Events.Where(e => e.Position <= head).ToList();
        Assert.Equal(8, countable.Count);
        foreach (var envelope in countable) await replay.Publish(new CommittedBatch(envelope.Position, envelope.Position, [envelope]));
        // …then the whole journal again, in pages.
        for (var from = 1L; from <= head;)
        {
            var events = (await store.ReadAll(from, 500)).Events.Where(e => e.Position <= head).ToList();
            if (events.Count == 0) break;
            await replay.Publish(new CommittedBatch(events[0].Position, events[^1].Position, events));
            from = events[^1].Position + 1;
        }

        // A new commit's message comes after the duplicates on the one journal stream: once it is applied, they were too.
        var sentinel = await cluster.Client.GetGrain<IAgentGrain>(Ids.New("sentinel")).Spawn("sentinel", AgentDomain.Core, []);
        foreach (var projection in All)
            await Eventually.Until(projection.GetStatus, s => s.Checkpoint >= sentinel.Position, "the sentinel commit is applied");

        var agent = await Agents.GetAgent(agentId);
        Assert.Equal((1, 1, 1, 1), (agent!.TaskCount, agent.CompletedTasks, agent.FailedTasks, agent.ErrorCount));
        Assert.Equal(1, (await Tasks.GetTask(taskId))!.RetryCount);
        Assert.Equal(2, (await Memories.GetMemory(ns, $"{ns}/plan"))!.AccessCount);
        var after = await ReadModels(exceptAgent: sentinel.AggregateId);
        Assert.Equal(before, after);
        await ProjectionAssert.MatchJournalFold(cluster);
    }

    [Fact]
    public async Task A_batch_overlapping_the_checkpoint_applies_only_the_positions_after_it()
    {
        var (agentId, taskId, ns, firstCountable) = await NonIdempotentHistory();
        foreach (var projection in All) await projection.CatchUp();
        var checkpoint = (await Agents.GetStatus()).Checkpoint;
        var agentBefore = (await Agents.GetAgent(agentId))!;

        // Unannounced rows after the checkpoint: the failed agent restarted and given a second task, the task queued again, a new agent.
        var newcomer = Ids.New("newcomer");
        var agentVersion = cluster.Journal.Rows(agentId).Count;
        cluster.Journal.InsertOutside(agentId, "agent", agentVersion + 1, "agent:started", OutsidePayload.Of(new { agentId, startedAt = DateTimeOffset.UtcNow }));
        cluster.Journal.InsertOutside(agentId, "agent", agentVersion + 2, "agent:task-assigned",
            OutsidePayload.Of(new { agentId, taskId = "second-task", assignedAt = DateTimeOffset.UtcNow }));
        cluster.Journal.InsertOutside(taskId, "task", cluster.Journal.Rows(taskId).Count + 1, "task:queued",
            OutsidePayload.Of(new { taskId, priority = "high", queuedAt = DateTimeOffset.UtcNow }));
        cluster.Journal.InsertOutside(newcomer, "agent", 1, "agent:spawned", OutsidePayload.Of(new { agentId = newcomer, role = "late", domain = "quality", capabilities = Array.Empty<string>() }));

        // One batch from this test's first countable commit to the head: 8 positions applied already, 4 new.
        var page = await cluster.Client.GetEventStore().ReadAll(firstCountable, 1000);
        Assert.True(page.IsEnd);
        Assert.Equal(8, page.Events.Count(e => e.Position <= checkpoint));
        Assert.Equal(4, page.Events.Count(e => e.Position > checkpoint));
        await cluster.Client.GetGrain<IBatchReplayGrain>("overlap").Publish(new CommittedBatch(page.Events[0].Position, page.Events[^1].Position, page.Events));

        await Eventually.Until(() => Agents.GetAgent(newcomer), a => a is not null, "the overlapping batch is applied");
        var agentAfter = (await Agents.GetAgent(agentId))!;
        Assert.Equal((agentBefore.TaskCount + 1, agentBefore.CompletedTasks, agentBefore.FailedTasks, agentBefore.TotalTaskDurationMs, agentBefore.ErrorCount),
            (agentAfter.TaskCount, agentAfter.CompletedTasks, agentAfter.FailedTasks, agentAfter.TotalTaskDurationMs, agentAfter.ErrorCount));
        Assert.Equal(("second-task", AgentStatus.Active), (agentAfter.CurrentTaskId, agentAfter.Status));
        await Eventually.Until(Tasks.GetStatus, s => s.Checkpoint >= page.Events[^1].Position, "TaskHistory applies the overlapping batch");
        var task = (await Tasks.GetTask(taskId))!;
        Assert.Equal((TaskItemStatus.Queued, TaskPriority.High, 1), (task.Status, task.Priority, task.RetryCount));
        await Eventually.Until(Memories.GetStatus, s => s.Checkpoint >= page.Events[^1].Position, "MemoryIndex applies the overlapping batch");
        Assert.Equal(2, (await Memories.GetMemory(ns, $"{ns}/plan"))!.AccessCount);
        await ProjectionAssert.MatchJournalFold(cluster);
    }

    [Fact]
    public async Task Read_models_and_checkpoints_survive_a_full_cluster_restart_on_the_same_database()
    {
        var prefix = Ids.New("restart");
        await ProjectionLoad.RunAsync(cluster.Client, prefix, agents: 20, tasks: 20, namespaces: 4);
        var statusBefore = new List<ProjectionStatus>();
        foreach (var projection in All) statusBefore.Add(await projection.CatchUp());
        var modelsBefore = await ReadModels();

        // Rewrite one already-applied row per projection behind their backs: a read model loaded from storage
        // keeps the old values, one rebuilt from the journal would show the new ones.
        var raw = new RawDatabase(cluster);
        var agentId = ProjectionLoad.AgentId(prefix, 0);
        var taskId = $"{prefix}-task-000";
        var ns = $"{prefix}-ns-00";
        var spawned = cluster.Journal.Rows(agentId).Single(r => r.Type == "agent:spawned");
        var created = cluster.Journal.Rows(taskId).Single(r => r.Type == "task:created");
        var stored = cluster.Journal.Rows(ns).Single(r => r.Type == "memory:stored" && r.Payload.Contains("\"key\":\"plan\"", StringComparison.Ordinal));
        var originals = new[] { spawned, created, stored };
        Rewrite(raw, spawned, "\"role\":\"coder\"", "\"role\":\"rewritten\"");
        Rewrite(raw, created, "\"title\":\"Task 0\"", "\"title\":\"Rewritten\"");
        Rewrite(raw, stored, "\"size\":100,", "\"size\":999999,");
        try
        {
            await cluster.RestartAsync();

            // What the silos saved on their way down, before any projection is activated again.
            foreach (var (name, status) in new[] { "agent_state", "task_history", "memory_index" }.Zip(statusBefore))
                Assert.Equal(status.Checkpoint, raw.Checkpoint(name));

            var statusAfter = new List<ProjectionStatus>();
            foreach (var projection in All) statusAfter.Add(await projection.GetStatus());
            Assert.Equal(statusBefore, statusAfter);
            Assert.Equal(modelsBefore, await ReadModels());
            Assert.Equal("coder", (await Agents.GetAgent(agentId))!.Role);
            Assert.Equal("Task 0", (await Tasks.GetTask(taskId))!.Title);
            Assert.Equal(100, (await Memories.GetMemory(ns, $"{ns}/plan"))!.Size);

            // The control: a rebuild from the journal does see the rewritten rows.
            foreach (var projection in All) await projection.RebuildAndWait();
            Assert.Equal("rewritten", (await Agents.GetAgent(agentId))!.Role);
            Assert.Equal("Rewritten", (await Tasks.GetTask(taskId))!.Title);
            Assert.Equal(999999, (await Memories.GetMemory(ns, $"{ns}/plan"))!.Size);
        }
        finally
        {
            foreach (var row in originals) raw.SetPayload(row.Position, row.Payload);
        }
        foreach (var projection in All) await projection.RebuildAndWait();
        await ProjectionAssert.MatchJournalFold(cluster);
    }

    [Fact]
    public async Task Health_lists_agents_in_error_and_flags_an_idle_agent_inactive_for_hours_but_not_a_recent_one()
    {
        var store = cluster.Client.GetEventStore();
        var now = DateTimeOffset.UtcNow;
        var (stale, broken, fresh) = (Ids.New("stale"), Ids.New("broken"), Ids.New("fresh"));
        await store.Append(stale, AggregateTypes.Agent, [new NewEvent(new AgentSpawned(stale, "watcher", AgentDomain.Core, [])) { Timestamp = now.AddHours(-3).ToUnixTimeMilliseconds() }]);
        await store.Append(broken, AggregateTypes.Agent,
        [
            new NewEvent(new AgentSpawned(broken, "coder", AgentDomain.Core, [])) { Timestamp = now.AddHours(-3).ToUnixTimeMilliseconds() },
            new NewEvent(new AgentStarted(broken, now.AddHours(-3))) { Timestamp = now.AddHours(-3).ToUnixTimeMilliseconds() },
            new NewEvent(new AgentFailed(broken, "crash", null, now.AddHours(-2))) { Timestamp = now.AddHours(-2).ToUnixTimeMilliseconds() },
        ]);
        await store.Append(fresh, AggregateTypes.Agent, [new NewEvent(new AgentSpawned(fresh, "helper", AgentDomain.Core, [])) { Timestamp = now.ToUnixTimeMilliseconds() }]);
        await Agents.CatchUp();

        var health = await Agents.GetHealth(TimeSpan.FromHours(1));

        string[] mine = [stale, broken, fresh];
        Assert.Equal([broken], health.InError.Select(a => a.AgentId).Where(mine.Contains));
        Assert.Equal([stale], health.IdleTooLong.Select(a => a.AgentId).Where(mine.Contains));
    }

    /// <summary>
    /// An agent, a task and an entry created first (3 commits), then 8 commits whose second application
    /// would show: the agent assigned and completing a task and failing, the task failing under it, the entry read twice.
    /// </summary>
    private async Task<(string AgentId, string TaskId, string Namespace, long FirstCountable)> NonIdempotentHistory()
    {
        var (agentId, taskId, ns) = (Ids.New("agent"), Ids.New("task"), Ids.New("ns"));
        var agent = cluster.Client.GetGrain<IAgentGrain>(agentId);
        var task = cluster.Client.GetGrain<ITaskGrain>(taskId);
        var memory = cluster.Client.GetGrain<IMemoryNamespaceGrain>(ns);
        await agent.Spawn("coder", AgentDomain.Core, []);
        await task.Create("build", "Build", "", TaskPriority.Normal, []);
        await memory.Store("plan", "document", 10);
        var first = await agent.Start();
        await agent.AssignTask(taskId);
        await task.Start(agentId);
        await task.Fail("boom");
        await agent.CompleteTask(taskId, "done");
        await agent.Fail("crash");
        await memory.Retrieve("plan");
        await memory.Retrieve("plan");
        return (agentId, taskId, ns, first.Position);
    }

    /// <summary>Everything the projections hold, as JSON.</summary>
    private async Task<string> ReadModels(string? exceptAgent = null)
    {
        var agents = (await Agents.GetAll()).Where(a => a.AgentId != exceptAgent).ToList();
        var sizes = (await Memories.GetTotalSizeByNamespace()).OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        return Canon.Json(new object[] { agents, await Tasks.GetAll(), await Memories.GetActive(), await Memories.GetRemovals(), sizes });
    }

    private static void Rewrite(RawDatabase raw, JournalRow row, string from, string to)
    {
        Assert.Contains(from, row.Payload, StringComparison.Ordinal);
        raw.SetPayload(row.Position, row.Payload.Replace(from, to, StringComparison.Ordinal));
    }
}

[Collection(StreamDrivenProjectionCollection.Name)]
public sealed class ProjectionConsistencyTests_Sqlite(StreamDrivenProjectionCluster cluster) : ProjectionConsistencyTests(cluster);

[Collection(PostgresStreamDrivenProjectionCollection.Name)]
public sealed class ProjectionConsistencyTests_Postgres(PostgresStreamDrivenProjectionCluster cluster) : ProjectionConsistencyTests(cluster);
