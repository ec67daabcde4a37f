using EventStore.Aggregates;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Timeline;

/// <summary>
/// A coordinator run of a multi-agent platform, played through the grains under one correlation id: the coordinator
/// starts a swarm (the run's root event), spawns and starts agents, creates tasks, assigns them to agents, the agents
/// run and complete them and store what they learned in the run's memory namespace. Every command names its cause
/// (swarm started → agent spawned → task created → task assigned → task started → task completed → memory stored and
/// agent's task completed), so the run is one causation tree. Its steps are played one at a time, so several runs and
/// other writes can be interleaved step by step.
/// </summary>
internal sealed class AgentRun
{
    private readonly IClusterClient _client;
    private readonly Queue<Func<Task>> _steps = new();

    public AgentRun(IClusterClient client, int agents, int tasksPerAgent)
    {
        _client = client;
        CorrelationId = Ids.New("run");
        RootEventId = EventId("swarm-initialized");
        var swarm = Ids.New("swarm");
        var memory = Ids.New("memory");
        _steps.Enqueue(() => _client.GetGrain<ISwarmGrain>(swarm).Initialize("hierarchical", agents, new Dictionary<string, string>(), Context(RootEventId, cause: null)));
        for (var a = 0; a < agents; a++)
        {
            var agent = Ids.New("agent");
            var spawned = EventId($"agent-{a}-spawned");
            var started = EventId($"agent-{a}-started");
            _steps.Enqueue(() => AgentGrain(agent).Spawn("coder", AgentDomain.Core, ["csharp"], Context(spawned, RootEventId)));
            _steps.Enqueue(() => AgentGrain(agent).Start(Context(started, spawned)));
            for (var t = 0; t < tasksPerAgent; t++)
            {
                var task = Ids.New("task");
                var (created, assigned, taskStarted, completed, stored, done) =
                    (EventId($"task-{a}-{t}-created"), EventId($"task-{a}-{t}-assigned"), EventId($"task-{a}-{t}-started"),
                     EventId($"task-{a}-{t}-completed"), EventId($"memory-{a}-{t}"), EventId($"agent-{a}-task-{t}-done"));
                var (title, key) = ($"task {t} of agent {a}", $"finding-{a}-{t}");
                _steps.Enqueue(() => TaskGrain(task).Create("code", title, "", TaskPriority.Normal, [], Context(created, spawned)));
                _steps.Enqueue(() => AgentGrain(agent).AssignTask(task, Context(assigned, created)));
                _steps.Enqueue(() => TaskGrain(task).Start(agent, Context(taskStarted, assigned)));
                _steps.Enqueue(() => TaskGrain(task).Complete("done", Context(completed, taskStarted)));
                _steps.Enqueue(() => _client.GetGrain<IMemoryNamespaceGrain>(memory).Store(key, "document", 100, context: Context(stored, completed)));
                _steps.Enqueue(() => AgentGrain(agent).CompleteTask(task, "done", Context(done, completed)));
                CompletedTaskEventIds.Add(completed);
            }
        }
    }

    /// <summary>The run's correlation id, on every event of the run.</summary>
    public string CorrelationId { get; }

    /// <summary>The id of the run's first event (the swarm's start), the cause of everything else in the run.</summary>
    public string RootEventId { get; }

    /// <summary>The ids of the runs' "task completed" events, each the cause of a memory and an agent event.</summary>
    public List<string> CompletedTaskEventIds { get; } = [];

    /// <summary>Plays the next step; false when the run is over.</summary>
    public async Task<bool> StepAsync()
    {
        if (!_steps.TryDequeue(out var step)) return false;
        await step();
        return true;
    }

    /// <summary>
    /// Plays these runs step by step in turn, and after every round appends an uncorrelated note through the store, and
    /// every third round a note with no correlation id caused by the first run's first completed task (an audit event
    /// outside the run that its causation tree holds but its timeline does not).
    /// </summary>
    public static async Task PlayInterleavedAsync(IClusterClient client, params AgentRun[] runs)
    {
        var store = client.GetEventStore();
        var outsider = Ids.New("outsider");
        for (var round = 0; ; round++)
        {
            var played = false;
            foreach (var run in runs) played |= await run.StepAsync();
            if (!played) return;
            var note = new NewEvent(new NoteAdded($"uncorrelated {round}"));
            if (round % 3 == 2 && runs[0].CompletedTaskEventIds.Count > 0)
                note = note with { CausationId = runs[0].CompletedTaskEventIds[0] };
            await store.Append(outsider, "audit", [note]);
        }
    }

    private IAgentGrain AgentGrain(string id) => _client.GetGrain<IAgentGrain>(id);

    private ITaskGrain TaskGrain(string id) => _client.GetGrain<ITaskGrain>(id);

    private string EventId(string name) => $"{CorrelationId}-{name}";

    private CommandContext Context(string eventId, string? cause) =>
        new() { EventId = eventId, CorrelationId = CorrelationId, CausationId = cause, Source = "coordinator" };
}
