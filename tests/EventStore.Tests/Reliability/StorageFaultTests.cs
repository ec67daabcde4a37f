using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Projections;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using EventStore.Tests.Projections;
using Xunit.Abstractions;
using static EventStore.Tests.Reliability.ReliabilityKit;

namespace EventStore.Tests.Reliability;

/// <summary>
/// Storage faults injected under a running silo, each on a private cluster and journal file: a lock held
/// by another connection, appends stuck behind it, a damaged row, an event type from a newer version.
/// Each fault fails clearly, loses and half-writes nothing, and the store recovers on its own once the
/// fault is gone. (Read-only and full disks are in <see cref="FileSystemFaultTests"/>.)
/// </summary>
public sealed class StorageFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_database_locked_past_the_busy_timeout_fails_appends_cleanly_and_the_next_append_succeeds_on_its_own()
    {
        var path = ReliabilityCluster.NewDatabasePath();
        try
        {
            await using var cluster = await ReliabilityCluster.StartAsync(path, j => j.BusyTimeout = TimeSpan.FromSeconds(1));
            var (agentId, ledgerId) = (Ids.New("agent"), Ids.New("ledger"));
            var agent = cluster.Client.GetGrain<IAgentGrain>(agentId);
            var store = cluster.Client.GetEventStore();
            await agent.Spawn("coder", AgentDomain.Core, ["csharp"]);
            var rowsBefore = cluster.Journal.Rows();
            var startId = Ids.New("start");
            List<NewEvent> notes = [Note("one"), Note("two"), Note("three")];

            JournalUnavailableException commandError, appendError;
            using (HoldWriteLock(path))
            {
                var start = agent.Start(new CommandContext { EventId = startId });
                var append = store.Append(ledgerId, "ledger", notes);
                commandError = await Assert.ThrowsAsync<JournalUnavailableException>(() => start.WaitAsync(NoHang));
                appendError = await Assert.ThrowsAsync<JournalUnavailableException>(() => append.WaitAsync(NoHang));
                Assert.Equal(rowsBefore, cluster.Journal.Rows()); // still locked: nothing was written
            }

            output.WriteLine($"command: {commandError.Message}{Environment.NewLine}append: {appendError.Message}");
            Assert.Contains("locked", commandError.Message);
            Assert.Contains("locked", appendError.Message);
            Assert.Equal(rowsBefore, cluster.Journal.Rows()); // nothing half-written, not even one of the three
            // The lock is gone: the same grain and the same store, nothing restarted, take the very same commands.
            var receipt = await agent.Start(new CommandContext { EventId = startId });
            Assert.Equal((startId, 2L), (receipt.EventId, receipt.Version));
            var appended = await store.Append(ledgerId, "ledger", notes);
            Assert.Equal([1L, 2L, 3L], appended.Events.Select(e => e.Version));
            Assert.False(appended.WasRetry);
            JournalAssert.IsConsistent(cluster.Journal.Rows());
            await AssertAgentMatchesJournal(cluster.Client, agentId);
            await AssertProjectionsConverge(cluster.Client, cluster.Journal);
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
        }
    }

    [Fact]
    public async Task A_projection_commit_refused_by_a_lock_loses_nothing_the_next_commit_writes_every_applied_record()
    {
        var path = ReliabilityCluster.NewDatabasePath();
        try
        {
            // Commits only when asked (CatchUp), so that the events below are applied but not yet committed.
            await using var cluster = await ReliabilityCluster.StartAsync(path, j => j.BusyTimeout = TimeSpan.FromSeconds(1),
                projections: o => (o.CommitInterval, o.CommitEveryEvents) = (TimeSpan.FromHours(1), int.MaxValue));
            var agents = cluster.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
            var before = await agents.CatchUp();
            var ids = Enumerable.Range(0, 3).Select(_ => Ids.New("agent")).ToList();
            foreach (var id in ids) await cluster.Client.GetGrain<IAgentGrain>(id).Spawn("coder", AgentDomain.Core, []);
            var head = cluster.Journal.MaxPosition();

            // The stream brings the spawns to the projector; its commit then meets a lock held past the busy timeout.
            await Poll.Until(agents.GetStatus, s => s.HeadPosition == head, "the journal head is visible");
            using (HoldWriteLock(path))
                await Assert.ThrowsAnyAsync<Exception>(() => agents.CatchUp().WaitAsync(NoHang));
            Assert.Equal(before.Checkpoint, cluster.Journal.Long("SELECT checkpoint FROM projection_generations WHERE projection = 'agent_state'"));

            // The next commit writes the records of every event applied, not just the checkpoint.
            var after = await agents.CatchUp();
            Assert.Equal((head, (string?)null), (after.Checkpoint, after.Problem));
            foreach (var id in ids) Assert.NotNull(await agents.GetAgent(id));
            await AssertProjectionsConverge(cluster.Client, cluster.Journal);
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
        }
    }

    [Fact]
    public async Task Appends_queued_behind_a_lock_held_past_the_append_timeout_fail_in_bounded_time_and_are_never_written()
    {
        var path = ReliabilityCluster.NewDatabasePath();
        var (busy, appendTimeout) = (TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(1));
        try
        {
            await using var cluster = await ReliabilityCluster.StartAsync(path, j => (j.BusyTimeout, j.AppendTimeout) = (busy, appendTimeout));
            var agents = Enumerable.Range(0, 8).Select(_ => Ids.New("agent")).ToList();
            var store = cluster.Client.GetEventStore();
            var rowsBefore = cluster.Journal.Count();
            var eventIds = new List<string>();
            var results = new List<(string What, Exception? Error)>();

            Task<IDisposable> pauseBehindFirst;
            using (HoldWriteLock(path))
            {
                // The first append takes the writer alone, which then waits up to the busy timeout for the lock; the others queue behind it.
                var calls = new List<(string, Task)>();
                var firstNote = Note("first, in the writer");
                eventIds.Add(firstNote.Id!);
                using (await cluster.SiloJournal.PauseWriterAsync())
                {
                    calls.Add(("store append (first)", store.Append(Ids.New("ledger"), "ledger", [firstNote])));
                    await Poll.Until(() => Task.FromResult(cluster.SiloJournal.QueuedEvents), queued => queued == 1, "the first append is queued");
                    pauseBehindFirst = cluster.SiloJournal.PauseWriterAsync();
                }
                foreach (var id in agents)
                {
                    var eventId = Ids.New("spawn");
                    eventIds.Add(eventId);
                    calls.Add(($"spawn {id}", cluster.Client.GetGrain<IAgentGrain>(id).Spawn("coder", AgentDomain.Core, [], new CommandContext { EventId = eventId })));
                }
                for (var i = 0; i < 4; i++)
                {
                    var note = Note($"queued {i}");
                    eventIds.Add(note.Id!);
                    calls.Add(($"store append {i}", store.Append(Ids.New("ledger"), "ledger", [note])));
                }
                // Every call ends while the lock is still held: none waits for the lock to go away.
                foreach (var (what, call) in calls)
                {
                    try
                    {
                        await call.WaitAsync(NoHang);
                        results.Add((what, null));
                    }
                    catch (Exception ex) when (ex is not TimeoutException)
                    {
                        results.Add((what, ex));
                    }
                }
            }

            (await pauseBehindFirst).Dispose();
            foreach (var (what, error) in results) output.WriteLine($"{what}: {error?.GetType().Name}: {error?.Message}");
            Assert.All(results, r => Assert.IsType<JournalUnavailableException>(r.Error));
            Assert.Contains("database is locked", results[0].Error!.Message);
            Assert.Contains(results, r => r.Error!.Message.Contains($"not committed within {appendTimeout.TotalSeconds:0} s") && r.Error.Message.Contains("withdrawn"));
            // An append after the lock is gone goes through the writer after every withdrawn one: if any of them were
            // still going to be written, it would be by now.
            var after = await store.Append(Ids.New("ledger"), "ledger", [Note("after the lock")]);
            Assert.Equal(1, after.Version);
            var rows = cluster.Journal.Rows();
            Assert.Equal(rowsBefore + 1, rows.Count);
            Assert.DoesNotContain(rows, r => eventIds.Contains(r.Id));
            // The grains that failed take their command now.
            foreach (var id in agents) Assert.Equal(1, (await cluster.Client.GetGrain<IAgentGrain>(id).Spawn("coder", AgentDomain.Core, [])).Version);
            JournalAssert.IsConsistent(cluster.Journal.Rows());
            await AssertProjectionsConverge(cluster.Client, cluster.Journal);
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
        }
    }

    [Fact]
    public async Task A_hand_corrupted_payload_stops_its_aggregate_and_the_projections_by_position_and_both_recover_once_repaired()
    {
        var path = ReliabilityCluster.NewDatabasePath();
        try
        {
            await using var cluster = await ReliabilityCluster.StartAsync(path);
            var client = cluster.Client;
            var (badId, goodId, taskId) = (Ids.New("agent"), Ids.New("agent"), Ids.New("task"));
            var bad = client.GetGrain<IAgentGrain>(badId);
            var good = client.GetGrain<IAgentGrain>(goodId);
            var task = client.GetGrain<ITaskGrain>(taskId);
            var agents = client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
            var tasks = client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);
            await bad.Spawn("coder", AgentDomain.Core, []);
            var damagedReceipt = await bad.Start();
            await bad.AssignTask("job-1");
            await good.Spawn("tester", AgentDomain.Quality, []);
            await task.Create("review", "Review", "", TaskPriority.High, []);
            await agents.CatchUp();
            await tasks.CatchUp();

            var damaged = damagedReceipt.Position;
            var original = (string)Scalar(path, "SELECT payload FROM events WHERE position = $p", ("$p", damaged))!;
            Assert.Equal(1, Execute(path, "UPDATE events SET payload = '{broken' WHERE position = $p", ("$p", damaged)));
            await cluster.DeactivateAsync(bad);
            var rowsBefore = cluster.Journal.Count();

            // The aggregate owning the row refuses to rebuild, naming the position, for queries and commands alike.
            var stateError = await Assert.ThrowsAsync<UnreadableEventException>(() => bad.GetState().WaitAsync(NoHang));
            var commandError = await Assert.ThrowsAsync<UnreadableEventException>(() => bad.CompleteTask("job-1", "done").WaitAsync(NoHang));
            output.WriteLine(stateError.Message);
            foreach (var error in new[] { stateError, commandError })
            {
                Assert.Equal(damaged, error.Position);
                Assert.Contains($"position {damaged}", error.Message);
                Assert.Equal("agent:started", error.EventType);
            }
            Assert.Equal(rowsBefore, cluster.Journal.Count());

            // Other aggregates keep working.
            await good.Start();
            await task.Queue(TaskPriority.Critical);
            var head = cluster.Journal.Rows().Max(r => r.Position);

            // Reads return the row as it is, as an UnreadableEvent.
            var events = await client.GetEventStore().GetEvents(badId);
            var unreadable = Assert.IsType<UnreadableEvent>(events.Single(e => e.Position == damaged).Payload);
            Assert.Equal(("agent:started", "{broken", false), (unreadable.Type, unreadable.RawPayload, unreadable.IsUnknownType));
            var page = await client.GetEventStore().ReadAll(damaged, 1);
            Assert.IsType<UnreadableEvent>(Assert.Single(page.Events).Payload);

            // A projection rebuilt over the damaged row stops right before it and says why, while its current tables keep
            // answering; one that does not read agents goes on.
            var stuck = await agents.RebuildAndWait();
            output.WriteLine($"AgentState: {stuck}");
            Assert.Equal(damaged - 1, stuck.RebuildCheckpoint);
            Assert.Contains($"position {damaged}", stuck.Problem);
            Assert.Equal(stuck.Problem, (await agents.GetStatus()).Problem);
            var other = await tasks.CatchUp();
            Assert.Equal((head, null), (other.Checkpoint, other.Problem));

            // Repaired: the projection (on its timer) and the aggregate (on its next call) recover on their own.
            Assert.Equal(1, Execute(path, "UPDATE events SET payload = $payload WHERE position = $p", ("$payload", original), ("$p", damaged)));
            var recovered = await Poll.Until(agents.GetStatus, s => s.Problem is null && s.Checkpoint == head, "AgentState recovers after the repair");
            Assert.Equal(0, recovered.LagEvents);
            Assert.Equal(AgentStatus.Active, (await agents.GetAgent(badId))!.Status);
            Assert.Equal(AgentStatus.Active, (await agents.GetAgent(goodId))!.Status);
            Assert.Equal(4, (await bad.CompleteTask("job-1", "done")).Version);
            await AssertAgentMatchesJournal(client, badId);
            await AssertAgentMatchesJournal(client, goodId);
            await Poll.Until(() => agents.GetAgent(badId), a => a!.CompletedTasks == 1, "AgentState applies the next event");
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
        }
    }

    [Fact]
    public async Task An_event_type_written_by_a_newer_version_is_refused_by_its_aggregate_returned_by_reads_and_skipped_by_projections()
    {
        var path = ReliabilityCluster.NewDatabasePath();
        try
        {
            await using var cluster = await ReliabilityCluster.StartAsync(path);
            var client = cluster.Client;
            var (agentId, laterId) = (Ids.New("agent"), Ids.New("agent"));
            var agent = client.GetGrain<IAgentGrain>(agentId);
            var agents = client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
            await agent.Spawn("coder", AgentDomain.Core, []);
            await agent.Start();
            await agents.CatchUp();

            cluster.Journal.InsertOutside(agentId, "agent", 3, "agent:teleported", $$"""{"agentId":"{{agentId}}","to":"mars"}""");
            var teleported = cluster.Journal.Rows(agentId).Single(r => r.Version == 3).Position;
            var rowsBefore = cluster.Journal.Count();

            // The active grain catching up, and a fresh activation, both refuse, naming the type and the position.
            var active = await Assert.ThrowsAsync<UnreadableEventException>(() => agent.GetState().WaitAsync(NoHang));
            await cluster.DeactivateAsync(agent);
            var fresh = await Assert.ThrowsAsync<UnreadableEventException>(() => agent.Stop("done").WaitAsync(NoHang));
            output.WriteLine(active.Message);
            foreach (var error in new[] { active, fresh })
            {
                Assert.Equal(("agent:teleported", teleported), (error.EventType, error.Position));
                Assert.Contains("agent:teleported", error.Message);
                Assert.Contains($"position {teleported}", error.Message);
            }
            Assert.Equal(rowsBefore, cluster.Journal.Count());

            // Reads return it as an UnreadableEvent of unknown type, with the stored payload.
            var stored = (await client.GetEventStore().GetEvents(agentId)).Single(e => e.Version == 3);
            var unreadable = Assert.IsType<UnreadableEvent>(stored.Payload);
            Assert.True(unreadable.IsUnknownType);
            Assert.Equal("agent:teleported", unreadable.Type);
            Assert.Contains("mars", unreadable.RawPayload);

            // Projections skip it and keep going with what follows.
            await client.GetGrain<IAgentGrain>(laterId).Spawn("tester", AgentDomain.Quality, []);
            var head = cluster.Journal.Rows().Max(r => r.Position);
            var status = await agents.CatchUp();
            Assert.Equal((head, null), (status.Checkpoint, status.Problem));
            Assert.NotNull(await agents.GetAgent(laterId));
            Assert.Equal(AgentStatus.Active, (await agents.GetAgent(agentId))!.Status);
            var rebuilt = await agents.RebuildAndWait();
            Assert.Equal((head, null), (rebuilt.Checkpoint, rebuilt.Problem));
            Assert.Equal(2, (await agents.GetAll()).Count);
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
        }
    }
}
