using EventStore.Aggregates;
using EventStore.Events;

namespace EventStore.Tests.Infrastructure;

/// <summary>One payload of each of the 23 domain event types, every field set to a non-default value.</summary>
public static class SampleEvents
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 10, 30, 15, 123, TimeSpan.Zero);

    /// <summary>All 23, in the order of SPEC.md.</summary>
    public static IReadOnlyList<IDomainEvent> All { get; } =
    [
        new AgentSpawned("agent-7", "coder", AgentDomain.Security, ["csharp", "sql"]),
        new AgentStarted("agent-7", At),
        new AgentStopped("agent-7", "work done", At.AddMinutes(1)),
        new AgentFailed("agent-7", "out of memory", "at Foo()\nat Bar()", At.AddMinutes(2)),
        new AgentStatusChanged("agent-7", AgentStatus.Active, AgentStatus.Blocked),
        new AgentTaskAssigned("agent-7", "task-3", At.AddMinutes(3)),
        new AgentTaskCompleted("agent-7", "task-3", "{\"ok\":true}", At.AddMinutes(4), 60_000),
        new TaskCreated("task-3", "review", "Review PR", "Review the journal PR \"#12\"", TaskPriority.Critical, ["task-1", "task-2"], At),
        new TaskStarted("task-3", "agent-7", At.AddSeconds(5)),
        new TaskCompleted("task-3", "approved", At.AddSeconds(50), 45_000),
        new TaskFailed("task-3", "timeout", null, At.AddSeconds(60), 2),
        new TaskBlocked("task-3", ["task-9"], At.AddSeconds(70)),
        new TaskQueued("task-3", TaskPriority.Low, At.AddSeconds(80)),
        new MemoryStored("mem-1", "ns-a", "key'; DROP TABLE events;--", "embedding", 4096, At),
        new MemoryRetrieved("mem-1", "ns-a", "key'; DROP TABLE events;--", At.AddHours(1), 3),
        new MemoryDeleted("mem-1", "ns-a", "k", At.AddHours(2)),
        new MemoryExpired("mem-1", "ns-a", "k", At.AddHours(3), At.AddHours(2.5)),
        new SwarmInitialized("hierarchical-mesh", 15, new Dictionary<string, string> { ["strategy"] = "adaptive", ["région"] = "eu-🌍" }, At),
        new SwarmScaled(3, 8, At.AddMinutes(5), "load"),
        new SwarmTerminated("finished", At.AddDays(1), new Dictionary<string, double> { ["tasks"] = 42, ["successRate"] = 0.975 }),
        new SwarmPhaseChanged("planning", "execution", At.AddMinutes(6)),
        new SwarmMilestoneReached("m-1", "MVP", At.AddMinutes(7)),
        new SwarmError("disk full", "stack", new Dictionary<string, string> { ["node"] = "n1" }, At.AddMinutes(8)),
    ];

    /// <summary>All 23, each agent, task and memory event naming <paramref name="streamId"/> as its aggregate, so that one stream can hold them all.</summary>
    public static IReadOnlyList<IDomainEvent> Naming(string streamId) => All.Select(e => e switch
    {
        AgentSpawned x => x with { AgentId = streamId },
        AgentStarted x => x with { AgentId = streamId },
        AgentStopped x => x with { AgentId = streamId },
        AgentFailed x => x with { AgentId = streamId },
        AgentStatusChanged x => x with { AgentId = streamId },
        AgentTaskAssigned x => x with { AgentId = streamId },
        AgentTaskCompleted x => x with { AgentId = streamId },
        TaskCreated x => x with { TaskId = streamId },
        TaskStarted x => x with { TaskId = streamId },
        TaskCompleted x => x with { TaskId = streamId },
        TaskFailed x => x with { TaskId = streamId },
        TaskBlocked x => x with { TaskId = streamId },
        TaskQueued x => x with { TaskId = streamId },
        MemoryStored x => x with { Namespace = streamId },
        MemoryRetrieved x => x with { Namespace = streamId },
        MemoryDeleted x => x with { Namespace = streamId },
        MemoryExpired x => (IDomainEvent)(x with { Namespace = streamId }),
        _ => e,
    }).ToList();
}
