using EventStore.Aggregates;
using EventStore.Events;
using EventStore.Journal;

namespace EventStore.Benchmarks.Workloads;

/// <summary>One journal row as the product writes it (metadata, causation, correlation and request are NULL, as for a command without a context).</summary>
internal readonly record struct JournalRow(long Position, string Id, string Type, string AggregateId, string AggregateType, long Version, long Timestamp, string Payload)
{
    /// <summary>The product's default source of an aggregate's events.</summary>
    public const string Source = "coordinator";
}

/// <summary>
/// W7's journal, generated in position order without grains: agents spawned and started first, then tasks in
/// blocks of 1,000 (all of a block created, then queued, then started or blocked, then completed or failed, as a
/// swarm works through them), each block followed by its share of memory events (entries stored, and entries read
/// again with growing access counts, older ones far more often). Payloads are the product's event records serialized
/// by the product's <see cref="EventPayloadSerializer"/>; versions run 1..n per stream and positions 1..N.
/// Deterministic (fixed seed), so the counts it reports are the counts the read models must show.
/// </summary>
internal sealed class W7Journal(int tasks, int memories)
{
    /// <summary>Tasks per block: a thousandth of them (1,000 at full size).</summary>
    public int BlockSize => Math.Max(1, Tasks / 1000);

    private static readonly EventPayloadSerializer Serializer = new(EventTypeRegistry.BuiltIn);
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TaskPriority[] Priorities = Enum.GetValues<TaskPriority>();
    private static readonly AgentDomain[] Domains = Enum.GetValues<AgentDomain>();

    public int Tasks { get; } = tasks;

    public int Memories { get; } = memories;

    /// <summary>Agents in the journal (three per working agent).</summary>
    public int Agents => WorkingAgents * 3;

    /// <summary>Agents that run tasks: about 1,000 at full size.</summary>
    public int WorkingAgents => Math.Max(10, Tasks / 1000);

    /// <summary>Memory read events: 9 for every 10 entries.</summary>
    public int Retrievals => Memories / 10 * 9;

    public int Namespaces => Math.Max(10, Memories / 1000);

    /// <summary>Counts of what was generated, filled while <see cref="Rows"/> is enumerated.</summary>
    public long Events { get; private set; }

    public long Completed { get; private set; }

    public long Blocked { get; private set; }

    /// <summary>Events of the task streams (what TaskHistory applies).</summary>
    public long TaskEvents { get; private set; }

    /// <summary>Per block of <see cref="BlockSize"/> tasks: the position of its last event (the tasks table holds (i + 1) x <see cref="BlockSize"/> records after it).</summary>
    public List<long> BlockEnds { get; } = [];

    /// <summary>Per block: the task events up to its end.</summary>
    public List<long> BlockTaskEvents { get; } = [];

    public static string TaskId(int task) => $"task-{task:D7}";

    public static string AgentId(int agent) => $"agent-{agent:D5}";

    /// <summary>The number of task records the TaskHistory tables hold once everything up to <paramref name="position"/> is applied.</summary>
    public long TasksAt(long position)
    {
        var blocks = BlockEnds.BinarySearch(position);
        return Math.Min(Tasks, (long)(blocks >= 0 ? blocks + 1 : ~blocks) * BlockSize);
    }

    /// <summary>The position after which the tasks table holds <paramref name="records"/> records (rounded up to a block).</summary>
    public long PositionOf(long records) => BlockEnds[(int)Math.Clamp((records + BlockSize - 1) / BlockSize - 1, 0, BlockEnds.Count - 1)];

    /// <summary>Every row in position order; enumerate once.</summary>
    public IEnumerable<JournalRow> Rows()
    {
        var random = new Random(7);
        long position = 0;
        var versions = new Dictionary<string, long>(StringComparer.Ordinal);
        JournalRow Row(string aggregateId, string aggregateType, IDomainEvent payload)
        {
            position++;
            var version = versions[aggregateId] = versions.GetValueOrDefault(aggregateId) + 1;
            return new JournalRow(position, Guid.CreateVersion7().ToString(), Serializer.TypeNameOf(payload), aggregateId, aggregateType, version,
                At(position).ToUnixTimeMilliseconds(), Serializer.Serialize(payload));
        }

        for (var a = 0; a < Agents; a++)
        {
            var id = AgentId(a);
            yield return Row(id, AggregateTypes.Agent, new AgentSpawned(id, "coder", Domains[a % Domains.Length], ["csharp", "sql"]));
            yield return Row(id, AggregateTypes.Agent, new AgentStarted(id, At(position + 1)));
        }

        var accessCounts = new int[Memories];
        var (stored, retrieved) = (0, 0);
        var blocks = (Tasks + BlockSize - 1) / BlockSize;
        for (var block = 0; block < blocks; block++)
        {
            var first = block * BlockSize;
            var count = Math.Min(BlockSize, Tasks - first);
            // Kinds: 0 pending, 1 queued, 2 in progress, 3 completed, 4 failed, 5 blocked (about 3 events per task).
            var kinds = new int[count];
            var agents = new int[count];
            var started = new DateTimeOffset[count];
            for (var i = 0; i < count; i++)
            {
                var roll = random.Next(100);
                kinds[i] = roll switch { < 15 => 0, < 35 => 1, < 45 => 2, < 80 => 3, < 88 => 4, _ => 5 };
                agents[i] = random.Next(WorkingAgents);
            }
            for (var i = 0; i < count; i++)
            {
                var id = TaskId(first + i);
                yield return Row(id, AggregateTypes.Task, new TaskCreated(id, "build", $"Task {first + i}", "generated for W7",
                    Priorities[random.Next(Priorities.Length)], [], At(position + 1)));
            }
            for (var i = 0; i < count; i++)
                if (kinds[i] is >= 1 and <= 4) yield return Row(TaskId(first + i), AggregateTypes.Task, new TaskQueued(TaskId(first + i), TaskPriority.Normal, At(position + 1)));
            for (var i = 0; i < count; i++)
            {
                var id = TaskId(first + i);
                if (kinds[i] is >= 2 and <= 4)
                {
                    started[i] = At(position + 1);
                    yield return Row(id, AggregateTypes.Task, new TaskStarted(id, AgentId(agents[i]), started[i]));
                }
                else if (kinds[i] == 5)
                {
                    Blocked++;
                    yield return Row(id, AggregateTypes.Task, new TaskBlocked(id, [TaskId(Math.Max(0, first + i - 1 - random.Next(BlockSize)))], At(position + 1)));
                }
            }
            for (var i = 0; i < count; i++)
            {
                var id = TaskId(first + i);
                var at = At(position + 1);
                if (kinds[i] == 3)
                {
                    Completed++;
                    yield return Row(id, AggregateTypes.Task, new TaskCompleted(id, "ok", at, (long)(at - started[i]).TotalMilliseconds));
                }
                else if (kinds[i] == 4) yield return Row(id, AggregateTypes.Task, new TaskFailed(id, "exit code 1", null, at, 0));
            }
            BlockEnds.Add(position);
            TaskEvents = position - 2L * Agents - stored - retrieved;
            BlockTaskEvents.Add(TaskEvents);

            for (var target = (long)Memories * (block + 1) / blocks; stored < target; stored++)
            {
                var space = $"ns-{stored % Namespaces:D4}";
                yield return Row(space, AggregateTypes.Memory,
                    new MemoryStored($"mem-{stored:D7}", space, $"key-{stored:D7}", "note", 100 + random.Next(10_000), At(position + 1)));
            }
            for (var target = (long)Retrievals * (block + 1) / blocks; retrieved < target; retrieved++)
            {
                var memory = (int)(stored * Math.Pow(random.NextDouble(), 4)); // older entries are read far more often
                var space = $"ns-{memory % Namespaces:D4}";
                yield return Row(space, AggregateTypes.Memory,
                    new MemoryRetrieved($"mem-{memory:D7}", space, $"key-{memory:D7}", At(position + 1), ++accessCounts[memory]));
            }
        }
        Events = position;
    }

    /// <summary>One millisecond per position from 2026-01-01.</summary>
    private static DateTimeOffset At(long position) => Start.AddMilliseconds(position);
}
