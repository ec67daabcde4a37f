using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;

namespace EventStore.ClientDemo;

/// <summary>
/// A coordinator building and shipping a feature with a swarm of agents: the swarm is set up, agents are
/// spawned and given tasks, one agent fails and is replaced, memory is written and read, an impossible
/// command is refused, and everything is shut down; a scratch key stored with a time to live expires by itself. Every
/// command goes through the grain interfaces; a live subscription (<see cref="LiveFeed"/>) follows the run.
/// </summary>
internal sealed class DemoScenario(IClusterClient client, DemoCast cast, ReceiptLog log, LiveFeed feed, TextWriter output)
{
    private const string ScratchKey = "coder-scratch";
    private static readonly TimeSpan ScratchTimeToLive = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ExpiryWait = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan WorkTime = TimeSpan.FromMilliseconds(120);
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    private ISwarmGrain Swarm => client.GetGrain<ISwarmGrain>(cast.Swarm);
    private IMemoryNamespaceGrain Knowledge => client.GetGrain<IMemoryNamespaceGrain>(cast.KnowledgeNamespace);
    private IMemoryNamespaceGrain Sessions => client.GetGrain<IMemoryNamespaceGrain>(cast.SessionNamespace);
    private IAgentGrain Agent(string agentId) => client.GetGrain<IAgentGrain>(agentId);
    private ITaskGrain TaskItem(string taskId) => client.GetGrain<ITaskGrain>(taskId);

    /// <summary>Runs the whole scenario; stops between steps when <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Section("Swarm set-up", cancellationToken);
        await SetUpSwarmAsync();

        Section("Planning", cancellationToken);
        await PlanAsync(cancellationToken);

        Section("Execution", cancellationToken);
        await ImplementAsync(cancellationToken);
        await AuditWithFailureAsync(cancellationToken);
        await TestAsync(cancellationToken);

        Section("Review", cancellationToken);
        await ReviewAsync();

        Section("Shutdown", cancellationToken);
        await ShutDownAsync();

        Section("Memory that expires by itself", cancellationToken);
        await AwaitScratchExpiryAsync(cancellationToken);
    }

    private async Task SetUpSwarmAsync()
    {
        var config = new Dictionary<string, string>
        {
            ["strategy"] = "specialized",
            ["consensus"] = "raft",
            ["memoryBackend"] = "sqlite-journal",
            ["autoScale"] = "true",
        };
        await log.Record(Swarm.Initialize("hierarchical-mesh", maxAgents: 8, config, log.Next()), "hierarchical-mesh, up to 8 agents");

        await Spawn(cast.Architect, "architect", AgentDomain.Core, ["system-design", "api-design", "event-modeling"]);
        await Spawn(cast.Coder, "coder", AgentDomain.Core, ["csharp", "orleans", "sqlite"]);
        await Spawn(cast.Tester, "tester", AgentDomain.Quality, ["integration-testing", "testing-host"]);
        await Spawn(cast.Auditor, "security-auditor", AgentDomain.Security, ["threat-modeling", "sql-injection-review"]);
        await Spawn(cast.Deployer, "devops", AgentDomain.Deployment, ["ci-cd", "containers", "canary-release"]);

        await log.Record(Swarm.Scale(5, "initial agent pool spawned", log.Next()), "0 -> 5 agents");

        foreach (var agentId in new[] { cast.Architect, cast.Coder, cast.Tester, cast.Auditor, cast.Deployer })
        {
            await log.Record(Agent(agentId).Start(log.Next(agentId)), "agent online");
        }
    }

    private async Task PlanAsync(CancellationToken cancellationToken)
    {
        await log.Record(Swarm.ChangePhase("planning", log.Next()), "phase -> planning");

        await CreateTask(cast.DesignTask, "design", "Design the event journal", "Schema, envelope and versioning rules", TaskPriority.High, []);
        await CreateTask(cast.ImplementTask, "implementation", "Implement journaled grains", "Agent, task, swarm and memory aggregates", TaskPriority.High, [cast.DesignTask]);
        await CreateTask(cast.TestTask, "testing", "Integration tests", "Cluster tests on a real SQLite file", TaskPriority.Normal, [cast.ImplementTask]);
        await CreateTask(cast.AuditTask, "security-audit", "Security audit", "Review SQL and payload handling", TaskPriority.Normal, [cast.ImplementTask]);
        await CreateTask(cast.DeployTask, "deployment", "Deploy to staging", "Roll the silo out to the staging cluster", TaskPriority.Critical, [cast.TestTask, cast.AuditTask]);

        // Deployment waits for its dependencies and a human approval; its agent reports itself blocked.
        await log.Record(TaskItem(cast.DeployTask).Block([cast.TestTask, cast.AuditTask, "approval:release-manager"], log.Next()), "waits for tests, audit, approval");
        await log.Record(Agent(cast.Deployer).ChangeStatus(AgentStatus.Blocked, log.Next(cast.Deployer)), "active -> blocked");

        await RunTask(cast.Architect, cast.DesignTask, TaskPriority.High, "ADR-001: one row per event, global position", cancellationToken, async () =>
            await log.Record(Knowledge.Store("adr-001-event-journal", "document", 4_096, context: log.Next(cast.Architect)), "architect writes ADR-001"));

        await log.Record(Swarm.ReachMilestone("design-approved", "Journal design approved", log.Next()), "milestone");
    }

    private async Task ImplementAsync(CancellationToken cancellationToken)
    {
        await log.Record(Swarm.ChangePhase("execution", log.Next()), "phase -> execution");

        await RunTask(cast.Coder, cast.ImplementTask, TaskPriority.High, "4 aggregates, 23 events", cancellationToken, async () =>
        {
            await log.Record(Knowledge.Retrieve("adr-001-event-journal", log.Next(cast.Coder)), "coder reads ADR-001");
            await log.Record(Sessions.Store("coder-session-context", "context", 2_048, context: log.Next(cast.Coder)), "coder saves its session");
            await log.Record(Sessions.Store(ScratchKey, "scratchpad", 1_024, context: log.Next(cast.Coder), timeToLive: ScratchTimeToLive),
                $"scratch notes, expire in {ScratchTimeToLive.TotalSeconds:F0} s");
            await log.Record(Knowledge.Store("code-embeddings", "embedding", 65_536, context: log.Next(cast.Coder)), "coder indexes the code");
        });
    }

    private async Task AuditWithFailureAsync(CancellationToken cancellationToken)
    {
        // First attempt: the auditor crashes mid-task.
        await log.Record(TaskItem(cast.AuditTask).Queue(TaskPriority.Normal, log.Next()), "queued");
        await log.Record(Agent(cast.Auditor).AssignTask(cast.AuditTask, log.Next()), "audit -> auditor");
        await log.Record(TaskItem(cast.AuditTask).Start(cast.Auditor, log.Next(cast.Auditor)), "attempt 1");
        await log.Record(Sessions.Store("audit-scratchpad", "scratchpad", 512, context: log.Next(cast.Auditor)), "auditor takes notes");
        await Task.Delay(WorkTime, cancellationToken);

        const string error = "Model provider returned HTTP 429 (rate limit) three times";
        const string stack = "at AuditRunner.ReviewAsync()\nat AgentLoop.StepAsync()";
        await log.Record(Agent(cast.Auditor).Fail(error, stack, log.Next(cast.Auditor)), "auditor crashed");
        await log.Record(TaskItem(cast.AuditTask).Fail(error, stack, log.Next(cast.Auditor)), "attempt 1 failed");
        var errorContext = new Dictionary<string, string>
        {
            ["agentId"] = cast.Auditor,
            ["taskId"] = cast.AuditTask,
            ["phase"] = "execution",
        };
        await log.Record(Swarm.RecordError($"Agent {cast.Auditor} failed: {error}", stack, errorContext, log.Next()), "swarm error recorded");

        // Recovery: a replacement auditor joins and retries the audit.
        await Spawn(cast.BackupAuditor, "security-auditor", AgentDomain.Security, ["threat-modeling", "sql-injection-review"]);
        await log.Record(Swarm.Scale(6, "replacement auditor for a failed agent", log.Next()), "5 -> 6 agents");
        await log.Record(Agent(cast.BackupAuditor).Start(log.Next(cast.BackupAuditor)), "agent online");
        await RunTask(cast.BackupAuditor, cast.AuditTask, TaskPriority.High, "no injection surface found", cancellationToken, () => Task.CompletedTask);
        await log.Record(Sessions.Delete("audit-scratchpad", log.Next(cast.BackupAuditor)), "scratchpad cleaned up");
    }

    private async Task TestAsync(CancellationToken cancellationToken)
    {
        await RunTask(cast.Tester, cast.TestTask, TaskPriority.Normal, "42 tests passed", cancellationToken, async () =>
            await log.Record(Knowledge.Retrieve("adr-001-event-journal", log.Next(cast.Tester)), "tester reads ADR-001"));

        await log.Record(Swarm.ReachMilestone("implementation-verified", "Implementation tested and audited", log.Next()), "milestone");
    }

    private async Task ReviewAsync()
    {
        await log.Record(Swarm.ChangePhase("review", log.Next()), "phase -> review");
        await log.Record(Sessions.Expire("coder-session-context", DateTimeOffset.UtcNow, log.Next()), "session context expired");

        output.WriteLine("  --   trying to complete the deployment task, which never started...");
        try
        {
            var receipt = await TaskItem(cast.DeployTask).Complete("shipped", log.Next(cast.Deployer));
            throw new InvalidOperationException(
                $"The store accepted an impossible transition: completing never-started task '{cast.DeployTask}' was appended as {receipt.EventType} v{receipt.Version}.");
        }
        catch (InvalidTransitionException refused)
        {
            output.WriteLine($"  --   refused as expected (InvalidTransitionException): {refused.Message}");
        }
    }

    private async Task ShutDownAsync()
    {
        foreach (var agentId in cast.Agents)
        {
            var state = await Agent(agentId).GetState();
            if (state.Lifecycle is AgentLifecycle.Spawned or AgentLifecycle.Running)
            {
                await log.Record(Agent(agentId).Stop("swarm shutting down", log.Next(agentId)), "agent stopped");
            }
            else
            {
                output.WriteLine($"  --   {agentId} is {state.Lifecycle.ToString().ToLowerInvariant()}, nothing to stop");
            }
        }

        var metrics = new Dictionary<string, double>
        {
            ["agentsSpawned"] = log.CountOf("agent:spawned"),
            ["agentsFailed"] = log.CountOf("agent:failed"),
            ["tasksCompleted"] = log.CountOf("task:completed"),
            ["tasksFailed"] = log.CountOf("task:failed"),
            ["tasksBlocked"] = log.CountOf("task:blocked"),
            ["eventsBeforeTermination"] = log.Count,
            ["durationMs"] = Math.Round((DateTimeOffset.UtcNow - _startedAt).TotalMilliseconds),
        };
        await log.Record(Swarm.Terminate("release candidate ready; deployment awaits approval", metrics, log.Next()), "swarm terminated");
    }

    /// <summary>Waits (on the live subscription) for the namespace to expire the scratch key by itself, then shows that it can no longer be read.</summary>
    private async Task AwaitScratchExpiryAsync(CancellationToken cancellationToken)
    {
        var expiry = await feed.WaitForAsync(e => e.AggregateId == cast.SessionNamespace && e.Payload is MemoryExpired { Key: ScratchKey }, ExpiryWait, cancellationToken)
            ?? throw new InvalidOperationException($"The namespace {cast.SessionNamespace} did not expire '{ScratchKey}' within {ExpiryWait.TotalSeconds:F0} s of the end of the run.");
        var expired = (MemoryExpired)expiry.Event.Payload;
        output.WriteLine($"  '{ScratchKey}' was due at {expired.ExpiresAt:HH:mm:ss.fff}; {cast.SessionNamespace} wrote {expiry.Event.Type} itself at {expired.ExpiredAt:HH:mm:ss.fff} " +
                         $"({(expired.ExpiredAt - expired.ExpiresAt).TotalMilliseconds:F0} ms later), pos {expiry.Event.Position}, source {expiry.Event.Source}");
        try
        {
            await Sessions.Retrieve(ScratchKey, log.Next(cast.Coder));
            throw new InvalidOperationException($"The store let the coder read '{ScratchKey}' after it expired.");
        }
        catch (InvalidTransitionException refused)
        {
            output.WriteLine($"  --   reading it now is refused: {refused.Message}");
        }
    }

    private async Task Spawn(string agentId, string role, AgentDomain domain, IReadOnlyList<string> capabilities) =>
        await log.Record(Agent(agentId).Spawn(role, domain, capabilities, log.Next(agentId)), $"{role} ({domain.ToString().ToLowerInvariant()})");

    private async Task CreateTask(string taskId, string taskType, string title, string description, TaskPriority priority, IReadOnlyList<string> dependencies)
    {
        var note = dependencies.Count == 0 ? title : $"{title}, after {dependencies.Count} task(s)";
        await log.Record(TaskItem(taskId).Create(taskType, title, description, priority, dependencies, log.Next()), note);
    }

    /// <summary>Queue, assign, start, do the work, complete on both the task and the agent.</summary>
    private async Task RunTask(string agentId, string taskId, TaskPriority priority, string result, CancellationToken cancellationToken, Func<Task> work)
    {
        await log.Record(TaskItem(taskId).Queue(priority, log.Next()), $"queued ({priority.ToString().ToLowerInvariant()})");
        await log.Record(Agent(agentId).AssignTask(taskId, log.Next()), "task assigned");
        await log.Record(TaskItem(taskId).Start(agentId, log.Next(agentId)), $"started by {agentId}");
        await work();
        await Task.Delay(WorkTime, cancellationToken);
        await log.Record(TaskItem(taskId).Complete(result, log.Next(agentId)), result);
        await log.Record(Agent(agentId).CompleteTask(taskId, result, log.Next(agentId)), "agent free again");
    }

    private void Section(string title, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        output.WriteLine();
        output.WriteLine($"== {title}   (live subscription: {feed.Count} events of this run so far)");
    }
}
