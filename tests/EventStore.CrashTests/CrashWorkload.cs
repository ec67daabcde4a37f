using System.Collections.Concurrent;
using EventStore.Aggregates;
using EventStore.Events;
using EventStore.Store;

namespace EventStore.CrashTests;

/// <summary>One acknowledged event: what its receipt said.</summary>
internal sealed record Ack(string EventId, string AggregateId, string AggregateType, long Version, long Position);

/// <summary>
/// A concurrent append load that survives silo crashes: each worker owns two agents, a stream of tasks
/// and a swarm it appends to through the event store, and walks them through their lives one command
/// at a time. Every command carries a deterministic event id, so a command in flight when the silo died
/// (in doubt: committed or not) is retried with the same id after the restart: it must then be
/// acknowledged exactly once. Every acknowledged receipt is recorded.
/// </summary>
internal sealed class CrashWorkload
{
    private static readonly DateTimeOffset Fixed = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private readonly Worker[] _workers;

    public CrashWorkload(string run, int workers, int seed) =>
        _workers = Enumerable.Range(0, workers).Select(w => new Worker(this, $"{run}-w{w}", seed + w)).ToArray();

    /// <summary>Every acknowledged event, in the order the receipts arrived.</summary>
    public ConcurrentQueue<Ack> Acks { get; } = new();

    /// <summary>Failures while the silo was alive, and receipts that contradict the command: each one is a finding.</summary>
    public ConcurrentQueue<string> Unexpected { get; } = new();

    /// <summary>Commands and appends issued so far.</summary>
    public int Calls => _workers.Sum(w => w.Calls);

    /// <summary>Event ids of the commands that were in flight at a kill (in doubt), over all kills.</summary>
    public ConcurrentQueue<string> InDoubtEventIds { get; } = new();

    /// <summary>
    /// Runs every worker until <paramref name="stop"/> fires. A failure after <paramref name="killed"/> turned true is the
    /// crash, not a finding; <paramref name="abandon"/> stops waiting for calls in flight (the dead silo will never answer
    /// them, and the client would wait for its response timeout): their outcome is in doubt either way.
    /// </summary>
    public Task RunAsync(IClusterClient client, Func<bool> killed, CancellationToken stop, CancellationToken abandon) =>
        Task.WhenAll(_workers.Select(w => Task.Run(() => w.RunAsync(client, killed, stop, abandon))));

    /// <summary>The event ids of a swarm's store appends, in order: append 0 has one event, append n has 1 + n % 3.</summary>
    public static IEnumerable<string> SwarmEventIds(string swarm)
    {
        for (var n = 0; ; n++)
            for (var i = 0; i < (n == 0 ? 1 : 1 + n % 3); i++)
                yield return $"{swarm}-a{n}-{i}";
    }

    /// <summary>One command to run (again, with the same event ids, if its outcome is in doubt).</summary>
    private sealed record Operation(
        string Name, string AggregateId, string AggregateType, long FirstVersion, IReadOnlyList<string> EventIds,
        Func<IClusterClient, Task<IReadOnlyList<EventReceipt>>> Execute, Action Advance);

    private sealed class Worker(CrashWorkload workload, string name, int seed)
    {
        private readonly Random _random = new(seed);
        private readonly string[] _agents = [$"{name}-agent-a", $"{name}-agent-b"];
        private readonly int[] _agentSteps = [0, 0];
        private readonly string _swarm = $"{name}-swarm";
        private int _task;
        private int _taskStep;
        private int _swarmAppends;
        private long _swarmVersion;
        private Operation? _pending;
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public async Task RunAsync(IClusterClient client, Func<bool> killed, CancellationToken stop, CancellationToken abandon)
        {
            while (!stop.IsCancellationRequested)
            {
                // A command in doubt after a crash is retried first, unchanged.
                var operation = _pending ??= Next();
                IReadOnlyList<EventReceipt> receipts;
                Interlocked.Increment(ref _calls);
                try
                {
                    receipts = await operation.Execute(client).WaitAsync(abandon);
                }
                catch (Exception) when (killed())
                {
                    foreach (var id in operation.EventIds) workload.InDoubtEventIds.Enqueue(id);
                    return;
                }
                catch (Exception ex)
                {
                    workload.Unexpected.Enqueue($"{operation.Name} on '{operation.AggregateId}' failed while the silo was up: {ex.GetType().Name}: {ex.Message}");
                    return;
                }

                for (var i = 0; i < receipts.Count; i++)
                {
                    var r = receipts[i];
                    workload.Acks.Enqueue(new Ack(r.EventId, r.AggregateId, operation.AggregateType, r.Version, r.Position));
                    var expected = (operation.EventIds[i], operation.AggregateId, operation.FirstVersion + i);
                    if ((r.EventId, r.AggregateId, r.Version) != expected)
                        workload.Unexpected.Enqueue($"{operation.Name}: receipt {r} does not match the command (expected event {expected})");
                }
                if (receipts.Count != operation.EventIds.Count)
                    workload.Unexpected.Enqueue($"{operation.Name} on '{operation.AggregateId}': {receipts.Count} receipts for {operation.EventIds.Count} events");
                operation.Advance();
                _pending = null;
            }
        }

        private string TaskId(int task) => $"{name}-task-{task}";

        private Operation Next() => _random.Next(100) switch
        {
            < 45 => NextAgentCommand(_random.Next(_agents.Length)),
            < 75 => NextTaskCommand(),
            _ => NextSwarmAppend(),
        };

        /// <summary>spawn, start, then assign and complete jobs forever.</summary>
        private Operation NextAgentCommand(int which)
        {
            var (id, step) = (_agents[which], _agentSteps[which]);
            var eventId = $"{id}-e{step + 1}";
            var context = new CommandContext { EventId = eventId, CorrelationId = name, Source = name };
            var job = $"{id}-job-{(step - 2) / 2}";
            Func<IAgentGrain, Task<EventReceipt>> command = step switch
            {
                0 => a => a.Spawn("crash-worker", (AgentDomain)(which % 6), ["csharp", "sqlite"], context),
                1 => a => a.Start(context),
                _ when step % 2 == 0 => a => a.AssignTask(job, context),
                _ => a => a.CompleteTask(job, $"result of {job}", context),
            };
            return new Operation($"agent step {step + 1}", id, AggregateTypes.Agent, step + 1, [eventId],
                async c => [await command(c.GetGrain<IAgentGrain>(id))], () => _agentSteps[which]++);
        }

        /// <summary>create, queue, start, complete; then the next task.</summary>
        private Operation NextTaskCommand()
        {
            var (id, step) = (TaskId(_task), _taskStep);
            var eventId = $"{id}-e{step + 1}";
            var context = new CommandContext { EventId = eventId, CorrelationId = name };
            Func<ITaskGrain, Task<EventReceipt>> command = step switch
            {
                0 => t => t.Create("crash-test", $"task {_task} of {name}", "created under load", TaskPriority.Normal, [], context),
                1 => t => t.Queue(TaskPriority.High, context),
                2 => t => t.Start(_agents[0], context),
                _ => t => t.Complete("done", context),
            };
            return new Operation($"task step {step + 1}", id, AggregateTypes.Task, step + 1, [eventId],
                async c => [await command(c.GetGrain<ITaskGrain>(id))],
                () => { if (++_taskStep == 4) (_task, _taskStep) = (_task + 1, 0); });
        }

        /// <summary>An append of 1 to 3 events through the event store (the first initializes the swarm).</summary>
        private Operation NextSwarmAppend()
        {
            var n = _swarmAppends;
            var ids = SwarmEventIds(_swarm).Skip((int)_swarmVersion).TakeWhile(id => id.StartsWith($"{_swarm}-a{n}-", StringComparison.Ordinal)).ToList();
            var events = n == 0
                ? [new NewEvent(new SwarmInitialized("mesh", 8, new Dictionary<string, string> { ["run"] = name }, Fixed)) { Id = ids.Single(), Timestamp = 1 }]
                : ids.Select((id, i) => new NewEvent(new SwarmMilestoneReached($"m{n}-{i}", $"milestone {n}.{i}", Fixed.AddSeconds(n))) { Id = id, Timestamp = 1 + n }).ToList();
            return new Operation($"store append {n}", _swarm, AggregateTypes.Swarm, _swarmVersion + 1, events.Select(e => e.Id!).ToList(),
                async c => (await c.GetEventStore().Append(_swarm, AggregateTypes.Swarm, events)).Events,
                () => { _swarmAppends++; _swarmVersion += events.Count; });
        }
    }
}
