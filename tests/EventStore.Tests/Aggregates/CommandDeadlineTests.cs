using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using EventStore.Tests.Reliability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace EventStore.Tests.Aggregates;

/// <summary>A grain command's attempts share one journal deadline, as a store append's do (see AppendDeadlineTests).</summary>
public abstract class CommandDeadlineTests(JournalProvider provider)
{
    [Fact]
    public async Task A_command_that_loses_a_race_and_decides_again_shares_one_deadline_across_its_attempts()
    {
        var (path, postgres) = (ReliabilityCluster.NewDatabasePath(), await ReliabilityCluster.NewPostgresDatabaseAsync(provider));
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        try
        {
            await using var cluster = await ReliabilityCluster.StartAsync(path, configureSilo: silo => silo.Services.AddSingleton<TimeProvider>(clock), postgres: postgres);
            var journal = cluster.SiloJournal;
            var id = Ids.New("agent");
            var agent = cluster.Client.GetGrain<IAgentGrain>(id);
            await agent.Spawn("coder", AgentDomain.Core, []);

            Task<EventReceipt> start;
            using (var first = await journal.PauseWriterAsync())
            {
                // A store append to the same agent is queued first, so the command's first attempt (at version 1) will conflict.
                var rival = cluster.Client.GetEventStore().Append(id, AggregateTypes.Agent,
                    [new NewEvent(new AgentStatusChanged(id, AgentStatus.Idle, AgentStatus.Blocked))], expectedVersion: 1);
                await Poll.Until(() => Task.FromResult(journal.QueuedEvents), n => n == 1, "the rival append is queued");
                start = agent.Start();
                await Poll.Until(() => Task.FromResult(journal.QueuedEvents), n => n == 2, "the command's first attempt is queued");
                clock.Advance(cluster.SiloOptions.AppendTimeout - TimeSpan.FromSeconds(1));

                var second = journal.PauseWriterAsync();
                first.Dispose();
                using (await second)
                {
                    Assert.Equal(2, (await rival).Version);
                    await Poll.Until(() => Task.FromResult(journal.QueuedEvents), n => n == 1, "the command decided again and queued its second attempt");
                    clock.Advance(TimeSpan.FromSeconds(2));
                    var error = await Assert.ThrowsAsync<JournalUnavailableException>(() => start.WaitAsync(TimeSpan.FromSeconds(20)));
                    Assert.Contains("withdrawn", error.Message);
                }
            }
            Assert.Equal(["agent:spawned", "agent:status-changed"], cluster.Journal.Rows(id).Select(r => r.Type));
            Assert.Equal(3, (await agent.Start()).Version); // the grain takes the command once the journal can
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
            await ReliabilityCluster.DropPostgresDatabaseAsync(postgres);
        }
    }
}

public sealed class CommandDeadlineTests_Sqlite() : CommandDeadlineTests(JournalProvider.Sqlite);

public sealed class CommandDeadlineTests_Postgres() : CommandDeadlineTests(JournalProvider.Postgres);
