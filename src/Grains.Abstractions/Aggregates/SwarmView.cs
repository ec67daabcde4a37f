using EventStore.Events;

namespace EventStore.Aggregates;

/// <summary>The state of one swarm.</summary>
[GenerateSerializer]
public sealed class SwarmView : AggregateView
{
    /// <summary>How its agents are connected, such as <c>hierarchical-mesh</c>.</summary>
    [Id(0)] public string? Topology { get; private set; }
    /// <summary>The most agents it may scale to.</summary>
    [Id(1)] public int MaxAgents { get; private set; }
    /// <summary>Its configuration.</summary>
    [Id(2)] public Dictionary<string, string> Config { get; private set; } = [];
    /// <summary>Agents it runs now.</summary>
    [Id(3)] public int AgentCount { get; private set; }
    /// <summary>Its current execution phase; empty before the first phase change.</summary>
    [Id(4)] public string Phase { get; private set; } = "";
    /// <summary>Milestones reached, by id, with their names.</summary>
    [Id(5)] public Dictionary<string, string> Milestones { get; private set; } = [];
    /// <summary>Errors recorded so far.</summary>
    [Id(6)] public int ErrorCount { get; private set; }
    /// <summary>The last error's message.</summary>
    [Id(7)] public string? LastError { get; private set; }
    /// <summary>True once terminated; no command is accepted after that.</summary>
    [Id(8)] public bool IsTerminated { get; private set; }
    /// <summary>Why it was terminated.</summary>
    [Id(9)] public string? TerminationReason { get; private set; }
    /// <summary>Final metrics given at termination.</summary>
    [Id(10)] public Dictionary<string, double> FinalMetrics { get; private set; } = [];
    /// <summary>When it was initialized.</summary>
    [Id(11)] public DateTimeOffset? InitializedAt { get; private set; }
    /// <summary>When it was terminated.</summary>
    [Id(12)] public DateTimeOffset? TerminatedAt { get; private set; }

    /// <inheritdoc />
    protected override void When(IDomainEvent payload)
    {
        switch (payload)
        {
            case SwarmInitialized e:
                (Topology, MaxAgents, Config, InitializedAt) = (e.Topology, e.MaxAgents, new(e.Config), e.InitializedAt);
                break;
            case SwarmScaled e:
                AgentCount = e.NewAgentCount;
                break;
            case SwarmPhaseChanged e:
                Phase = e.NewPhase;
                break;
            case SwarmMilestoneReached e:
                Milestones[e.MilestoneId] = e.Name;
                break;
            case SwarmError e:
                (ErrorCount, LastError) = (ErrorCount + 1, e.Error);
                break;
            case SwarmTerminated e:
                (IsTerminated, TerminationReason, FinalMetrics, TerminatedAt) = (true, e.Reason, new(e.Metrics), e.TerminatedAt);
                break;
        }
    }
}
