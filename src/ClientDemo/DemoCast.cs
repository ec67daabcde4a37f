namespace EventStore.ClientDemo;

/// <summary>
/// Every id the scenario uses. Each one ends with the run's short suffix, so the demo can run again and
/// again against the same journal without colliding with earlier runs.
/// </summary>
internal sealed class DemoCast
{
    /// <summary>Creates the ids of one run from the run's unique id.</summary>
    public DemoCast(Guid runId)
    {
        Suffix = runId.ToString("N")[..8];
        CorrelationId = $"demo-run-{runId:N}";

        Swarm = Id("swarm");

        Architect = Id("agent-architect");
        Coder = Id("agent-coder");
        Tester = Id("agent-tester");
        Auditor = Id("agent-auditor");
        BackupAuditor = Id("agent-auditor-2");
        Deployer = Id("agent-deployer");

        DesignTask = Id("task-design");
        ImplementTask = Id("task-implement");
        TestTask = Id("task-test");
        AuditTask = Id("task-audit");
        DeployTask = Id("task-deploy");

        KnowledgeNamespace = Id("knowledge");
        SessionNamespace = Id("sessions");
    }

    /// <summary>Short suffix shared by every id of this run (8 hex digits).</summary>
    public string Suffix { get; }

    /// <summary>Correlation id put on every command of this run.</summary>
    public string CorrelationId { get; }

    /// <summary>The swarm.</summary>
    public string Swarm { get; }

    /// <summary>Designs the system.</summary>
    public string Architect { get; }

    /// <summary>Implements it.</summary>
    public string Coder { get; }

    /// <summary>Tests it.</summary>
    public string Tester { get; }

    /// <summary>Audits it, and fails while doing so.</summary>
    public string Auditor { get; }

    /// <summary>Spawned to replace the failed auditor.</summary>
    public string BackupAuditor { get; }

    /// <summary>Deploys it, but stays blocked waiting for approval.</summary>
    public string Deployer { get; }

    /// <summary>All agents, in spawn order.</summary>
    public IReadOnlyList<string> Agents => [Architect, Coder, Tester, Auditor, Deployer, BackupAuditor];

    /// <summary>Design of the journal.</summary>
    public string DesignTask { get; }

    /// <summary>Implementation; depends on the design.</summary>
    public string ImplementTask { get; }

    /// <summary>Integration tests; depend on the implementation.</summary>
    public string TestTask { get; }

    /// <summary>Security audit; depends on the implementation, fails once and is retried.</summary>
    public string AuditTask { get; }

    /// <summary>Deployment; depends on tests and audit and stays blocked.</summary>
    public string DeployTask { get; }

    /// <summary>Long-lived shared knowledge.</summary>
    public string KnowledgeNamespace { get; }

    /// <summary>Short-lived agent session data.</summary>
    public string SessionNamespace { get; }

    private string Id(string name) => $"{name}-{Suffix}";
}
