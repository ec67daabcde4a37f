using EventStore.Journal;

namespace EventStore.Benchmarks;

/// <summary>The sizes of a run: the issue's numbers, or ten times smaller with --quick.</summary>
internal sealed record Scale(
    int W1Aggregates, int W1EventsPerAggregate,
    int MemoryAggregates, int MemoryEventsPerAggregate,
    int W2Events, int W3Events, int W3Repeats, int BigLogEvents, int W6Calls,
    TimeSpan LogStorageCap, TimeSpan Warmup,
    int W7Tasks, int W7Memories)
{
    /// <summary>Commands in flight in every W1-shaped run.</summary>
    public int InFlight => 64;

    /// <summary>Events per store append when filling the big log (the store's limit).</summary>
    public int FillBatch => 1000;

    /// <summary>Events in W2's first and last rate windows (0-1,000 and 9,000-10,000 at full size).</summary>
    public int W2Window => W2Events / 10;

    public static Scale Full { get; } = new(1000, 100, 10_000, 10, 10_000, 10_000, 30, 1_000_000, 500, TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(5), 1_000_000, 100_000);

    public static Scale Quick { get; } = new(100, 100, 1000, 10, 1000, 1000, 10, 100_000, 100, TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(1), 100_000, 10_000);
}

/// <summary>What to run, at which durability, and where the results go.</summary>
internal sealed record BenchOptions(
    JournalDurability Sync,
    bool Quick,
    bool Json,
    IReadOnlySet<string> Workloads,
    IReadOnlySet<string> Systems,
    string? OutputDirectory,
    int Repeat,
    bool Postgres = false,
    string? PostgresConnectionString = null,
    IReadOnlyList<int>? SiloCounts = null)
{
    public static readonly string[] AllWorkloads = ["W1", "W2", "W3", "W4", "W5", "W6", "W7"];

    /// <summary>Workloads that run only when named with --workload: W1S, W1 on clusters of several silos (PostgreSQL only).</summary>
    public static readonly string[] ExtraWorkloads = ["W1S"];

    /// <summary>The cluster sizes W1S runs, in order (--silos; default 1, 2, 3).</summary>
    public IReadOnlyList<int> Silos => SiloCounts ?? [1, 2, 3];
    public static readonly string[] AllSystems = ["eventstore", "raw-sqlite", "orleans-logstorage", "akka", "raw-npgsql", "marten"];

    /// <summary>FULL or NORMAL (SQLite's synchronous); "PG" for a PostgreSQL run (fsync and synchronous_commit on).</summary>
    public string SyncName => Postgres ? "PG" : Sync == JournalDurability.Full ? "FULL" : "NORMAL";

    /// <summary>The product's journal database: sqlite or postgres.</summary>
    public string Backend => Postgres ? "postgres" : "sqlite";

    public Scale Scale => Quick ? Scale.Quick : Scale.Full;

    public bool Runs(string workload) => Workloads.Contains(workload);

    public bool Runs(string workload, string system) => Workloads.Contains(workload) && Systems.Contains(system);

    /// <summary>The systems of a run without --system: the SQLite ones, or with --backend postgres the PostgreSQL ones.</summary>
    public static string[] DefaultSystems(bool postgres) =>
        postgres ? ["eventstore", "raw-npgsql", "marten"] : ["eventstore", "raw-sqlite", "orleans-logstorage", "akka"];

    public bool IsEverything => Workloads.SetEquals(AllWorkloads) && Systems.SetEquals(DefaultSystems(Postgres));

    public const string Usage = """
        usage: dotnet run -c Release --project bench/EventStore.Benchmarks -- [options]
          --sync FULL|NORMAL     SQLite synchronous setting of every system (default FULL)
          --workload W1[,W2..]   run only these workloads (W1..W7; repeatable; default all); W1S (only when named, --backend postgres
                                 only): W1 on clusters of 1, 2 and 3 silos sharing one PostgreSQL journal database
          --silos N[,N..]        the cluster sizes of W1S (1 to 8 silos each; default 1,2,3)
          --system NAME[,..]     run only these systems: eventstore, raw-sqlite, orleans-logstorage, akka, raw-npgsql, marten
                                 (default: the first four; with --backend postgres: eventstore, raw-npgsql, marten). akka
                                 (Akka.Persistence.Sql, W1 and W2 only) always runs on SQLite
          --backend sqlite|postgres  the product's journal database for W1-W4 and W7 (default sqlite; W5 always runs on SQLite)
          --postgres CONNSTRING  use this PostgreSQL server (a user that may CREATE DATABASE) instead of starting a private one
          --quick                a 10x smaller smoke run (W7: 100,000 tasks instead of 1,000,000)
          --repeat N             run the short, target-bearing measurements N times and keep the best (default 3; 1 with --quick)
          --json                 print one JSON object per result on stdout (progress and table go to stderr)
          --out DIR              write the .md/.jsonl results there (default bench/EventStore.Benchmarks/results)
          --no-write             do not write result files
        """;

    /// <summary>Parses the command line; throws <see cref="ArgumentException"/> with a message for people.</summary>
    public static BenchOptions Parse(string[] args)
    {
        var sync = JournalDurability.Full;
        bool quick = false, json = false, write = true;
        string? output = null, postgresServer = null;
        var postgres = false;
        int? repeat = null;
        List<int>? silos = null;
        var workloads = new HashSet<string>(StringComparer.Ordinal);
        var systems = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--sync":
                    sync = Value().ToUpperInvariant() switch
                    {
                        "FULL" => JournalDurability.Full,
                        "NORMAL" => JournalDurability.Normal,
                        var other => throw new ArgumentException($"--sync must be FULL or NORMAL, not '{other}'"),
                    };
                    break;
                case "--workload":
                    foreach (var w in Split(Value()).Select(w => w.ToUpperInvariant()))
                        workloads.Add(AllWorkloads.Contains(w) || ExtraWorkloads.Contains(w) ? w : throw new ArgumentException($"unknown workload '{w}' (W1..W7, W1S)"));
                    break;
                case "--system":
                    foreach (var s in Split(Value()).Select(s => s.ToLowerInvariant()))
                        systems.Add(AllSystems.Contains(s) ? s : throw new ArgumentException($"unknown system '{s}' ({string.Join(", ", AllSystems)})"));
                    break;
                case "--backend":
                    postgres = Value().ToLowerInvariant() switch
                    {
                        "sqlite" => false,
                        "postgres" => true,
                        var other => throw new ArgumentException($"--backend must be sqlite or postgres, not '{other}'"),
                    };
                    break;
                case "--postgres": postgresServer = Value(); break;
                case "--quick": quick = true; break;
                case "--repeat":
                    repeat = int.TryParse(Value(), out var n) && n is >= 1 and <= 10 ? n : throw new ArgumentException("--repeat must be a number from 1 to 10");
                    break;
                case "--silos":
                    silos = Split(Value()).Select(v => int.TryParse(v, out var count) && count is >= 1 and <= 8 ? count
                        : throw new ArgumentException($"--silos takes silo counts from 1 to 8, not '{v}'")).ToList();
                    break;
                case "--json": json = true; break;
                case "--out": output = Value(); break;
                case "--no-write": write = false; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'");
            }
        }
        if (workloads.Count == 0) workloads.UnionWith(AllWorkloads);
        if (workloads.Contains("W1S") && !postgres) throw new ArgumentException("W1S runs on the PostgreSQL journal only: add --backend postgres");
        if (postgres && systems.Contains("akka"))
            throw new ArgumentException("akka is a baseline on SQLite (Akka.Persistence.Sql with the run's synchronous setting): run it without --backend postgres");
        if (systems.Count == 0) systems.UnionWith(DefaultSystems(postgres));
        var directory = write ? output ?? DefaultResultsDirectory() : null;
        return new BenchOptions(sync, quick, json, workloads, systems, directory, repeat ?? (quick ? 1 : 3), postgres, postgresServer, silos);
    }

    private static IEnumerable<string> Split(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string DefaultResultsDirectory() =>
        typeof(BenchOptions).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "ResultsDirectory")?.Value
        ?? Path.Combine(Environment.CurrentDirectory, "results");
}
