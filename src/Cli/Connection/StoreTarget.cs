using System.CommandLine;
using System.Reflection;
using EventStore.Admin;
using EventStore.Hosting;
using EventStore.Journal;

namespace EventStore.Cli.Connection;

/// <summary>What a command line asks to connect to: a running cluster, or a journal's database opened directly.</summary>
internal abstract record StoreTarget
{
    /// <summary>A running silo or cluster, reached as an Orleans client.</summary>
    public sealed record Cluster(EventStoreClusterOptions Options) : StoreTarget;

    /// <summary>The journal's database itself, without a silo.</summary>
    public sealed record Offline(JournalOptions Options) : StoreTarget;

    /// <summary>Reads the target from the parsed command line; throws a <see cref="CliException"/> for options that exclude each other.</summary>
    public static StoreTarget From(ParseResult parse, StoreOptions options)
    {
        var gateways = parse.GetValue(options.Gateways) ?? [];
        var clusterDb = parse.GetValue(options.ClusterDatabase);
        var journal = parse.GetValue(options.Journal);
        var postgres = parse.GetValue(options.Postgres);
        var assemblies = parse.GetValue(options.EventAssemblies) ?? [];
        var online = gateways.Length > 0 || clusterDb is not null;
        if (journal is not null && postgres is not null) throw CliException.BadArguments("--journal and --postgres each name a journal: pass one of them.");
        if (online && (journal is not null || postgres is not null))
            throw CliException.BadArguments("--gateway/--cluster-db connect to a running cluster, --journal/--postgres open a journal directly: pass one kind.");
        if (gateways.Length > 0 && clusterDb is not null) throw CliException.BadArguments("--gateway and --cluster-db both say where the silos are: pass one of them.");
        if (journal is null && postgres is null)
        {
            if (assemblies.Length > 0) throw CliException.BadArguments("--events-assembly is for --journal/--postgres: a running silo knows its own event types.");
            var cluster = new EventStoreClusterOptions
            {
                ServiceId = parse.GetValue(options.ServiceId)!,
                ClusterId = parse.GetValue(options.ClusterId)!,
                Provider = clusterDb is null ? ClusterProvider.Localhost : ClusterProvider.Postgres,
                ConnectionString = clusterDb,
                Gateways = clusterDb is not null ? [] : gateways.Length > 0 ? [.. gateways] : ["127.0.0.1:30000"],
            };
            try
            {
                cluster.Validate();
            }
            catch (ArgumentException ex)
            {
                throw CliException.BadArguments(ex.Message);
            }
            return new Cluster(cluster);
        }
        var journalOptions = postgres is null
            ? new JournalOptions { DatabasePath = journal!.FullName }
            : new JournalOptions { Provider = JournalProvider.Postgres, ConnectionString = postgres };
        foreach (var file in assemblies) journalOptions.EventAssemblies.Add(LoadAssembly(file));
        return new Offline(journalOptions);
    }

    private static Assembly LoadAssembly(FileInfo file)
    {
        if (!file.Exists) throw CliException.BadArguments($"--events-assembly: there is no file {file.FullName}.");
        try
        {
            return Assembly.LoadFrom(file.FullName);
        }
        catch (Exception ex) when (ex is BadImageFormatException or FileLoadException)
        {
            throw CliException.BadArguments($"--events-assembly: {file.FullName} is not a .NET assembly this CLI can load: {ex.Message}");
        }
    }
}
