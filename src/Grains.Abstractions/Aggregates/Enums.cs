namespace EventStore.Aggregates;

/// <summary>What an agent reports it is doing.</summary>
public enum AgentStatus
{
    /// <summary>Spawned or between tasks.</summary>
    Idle,
    /// <summary>Running, usually on a task.</summary>
    Active,
    /// <summary>Waiting on something outside itself.</summary>
    Blocked,
    /// <summary>Stopped after finishing its work.</summary>
    Completed,
    /// <summary>Failed.</summary>
    Error,
}

/// <summary>The area of the platform an agent works in.</summary>
public enum AgentDomain
{
    /// <summary>Security reviews and hardening.</summary>
    Security,
    /// <summary>Core implementation work.</summary>
    Core,
    /// <summary>Integration with other systems.</summary>
    Integration,
    /// <summary>Testing and quality.</summary>
    Quality,
    /// <summary>Performance work.</summary>
    Performance,
    /// <summary>Deployment and operations.</summary>
    Deployment,
}

/// <summary>Where a task is in its life.</summary>
public enum TaskItemStatus
{
    /// <summary>Created, not queued yet.</summary>
    Pending,
    /// <summary>Waiting in the queue.</summary>
    Queued,
    /// <summary>Being executed by an agent.</summary>
    InProgress,
    /// <summary>Finished successfully (final).</summary>
    Completed,
    /// <summary>The last attempt failed; it may be queued again.</summary>
    Failed,
    /// <summary>Waiting on its blockers; it may be queued again.</summary>
    Blocked,
}

/// <summary>How urgent a task is.</summary>
public enum TaskPriority
{
    /// <summary>Do when nothing else waits.</summary>
    Low,
    /// <summary>The default.</summary>
    Normal,
    /// <summary>Before normal work.</summary>
    High,
    /// <summary>Before everything else.</summary>
    Critical,
}
