using System.CommandLine;

namespace EventStore.Cli.Connection;

/// <summary>
/// The options every command takes to reach the store: a running silo or cluster (the default: the local silo's gateway),
/// or the journal's database directly (offline). Recursive: they may come before or after the command's name.
/// </summary>
internal sealed class StoreOptions
{
    public Option<string[]> Gateways { get; } = new("--gateway")
    {
        Description = "A silo gateway to connect to, ip:port (repeatable). Default: the local silo, 127.0.0.1:30000.",
        Recursive = true,
        AllowMultipleArgumentsPerToken = false,
    };

    public Option<string?> ClusterDatabase { get; } = new("--cluster-db")
    {
        Description = "Npgsql connection string of the cluster's PostgreSQL membership table: connect to whichever silos are alive.",
        Recursive = true,
    };

    public Option<string> ServiceId { get; } = new("--service-id")
    {
        Description = "The cluster's Orleans service id (EventStore:Cluster:ServiceId).",
        DefaultValueFactory = _ => "agent-event-store",
        Recursive = true,
    };

    public Option<string> ClusterId { get; } = new("--cluster-id")
    {
        Description = "The cluster's Orleans cluster id (EventStore:Cluster:ClusterId).",
        DefaultValueFactory = _ => "dev",
        Recursive = true,
    };

    public Option<FileInfo?> Journal { get; } = new("--journal")
    {
        Description = "Offline: the SQLite journal file itself (no silo needed; safe while a silo runs on it).",
        Recursive = true,
    };

    public Option<string?> Postgres { get; } = new("--postgres")
    {
        Description = "Offline: Npgsql connection string of a PostgreSQL journal's database (no silo needed).",
        Recursive = true,
    };

    public Option<FileInfo[]> EventAssemblies { get; } = new("--events-assembly")
    {
        Description = "Offline: an assembly (.dll) with your own event types and upcasters, beside the built-in ones (repeatable).",
        Recursive = true,
    };

    public Option<bool> Json { get; } = new("--json")
    {
        Description = "Write JSON for scripts (one document, or one object per line for event lists) instead of tables.",
        Recursive = true,
    };

    /// <summary>Adds every option to <paramref name="root"/>.</summary>
    public void AddTo(RootCommand root)
    {
        foreach (Option option in new Option[] { Gateways, ClusterDatabase, ServiceId, ClusterId, Journal, Postgres, EventAssemblies, Json })
            root.Options.Add(option);
    }
}
