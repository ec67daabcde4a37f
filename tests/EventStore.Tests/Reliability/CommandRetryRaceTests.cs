using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Journal;
using EventStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;

namespace EventStore.Tests.Reliability;

/// <summary>
/// A command retried with its event id through two writers (two clusters on one file): the copy that
/// loses the race, after deciding and before committing, gets the receipt of the copy that won.
/// </summary>
public abstract class CommandRetryRaceTests(JournalProvider provider) : IAsyncLifetime
{
    private const string RaceKey = "command-retry-race";
    private readonly string _path = ReliabilityCluster.NewDatabasePath();
    private readonly RaceClock _clock = new();
    private ReliabilityCluster _a = null!;
    private ReliabilityCluster _b = null!;
    private string? _postgres;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        static void Configure(JournalOptions j) => (j.BusyTimeout, j.AppendTimeout) = (TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(5));
        _postgres = await ReliabilityCluster.NewPostgresDatabaseAsync(provider);
        _a = await ReliabilityCluster.StartAsync(_path, Configure, clusterId: "retry-a", serviceId: "retry-race-a",
            configureSilo: silo => silo.Services.AddSingleton<TimeProvider>(_clock), postgres: _postgres);
        _b = await ReliabilityCluster.StartAsync(_path, Configure, clusterId: "retry-b", serviceId: "retry-race-b", postgres: _postgres);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (_b is not null) await _b.DisposeAsync();
        if (_a is not null) await _a.DisposeAsync();
        ReliabilityCluster.DeleteFolder(_path);
        await ReliabilityCluster.DropPostgresDatabaseAsync(_postgres);
    }

    [Fact]
    public async Task A_command_whose_identical_retry_commits_through_another_writer_between_decide_and_commit_gets_the_original_receipt()
    {
        var id = Ids.New("task");
        var (onA, onB) = (_a.Client.GetGrain<ITaskGrain>(id), _b.Client.GetGrain<ITaskGrain>(id));
        await onA.Create("build", "Build", "", TaskPriority.Normal, []);
        var context = new CommandContext { EventId = Ids.New("start") };
        EventReceipt? won = null;
        // While A decides, the same command with the same event id commits through B (A's view is still at version 1).
        _clock.OnNextReadingInRace(() => won = Task.Run(() => onB.Start("agent-1", context)).GetAwaiter().GetResult());

        RequestContext.Set(RaceKey, true);
        EventReceipt lost;
        try
        {
            lost = await onA.Start("agent-1", context).WaitAsync(TimeSpan.FromMinutes(1));
        }
        finally
        {
            RequestContext.Remove(RaceKey);
        }

        Assert.NotNull(won);
        Assert.Equal(won, lost);
        Assert.Equal(["task:created", "task:started"], _a.Journal.Rows(id).Select(r => r.Type));
        Assert.Equal(2, (await onA.GetState()).Version);
    }

    /// <summary>The system clock, which runs a hook (once) when a grain call marked as the race reads it.</summary>
    private sealed class RaceClock : TimeProvider
    {
        private Action? _hook;

        public void OnNextReadingInRace(Action hook) => _hook = hook;

        public override DateTimeOffset GetUtcNow()
        {
            if (RequestContext.Get(RaceKey) is true && Interlocked.Exchange(ref _hook, null) is { } hook) hook();
            return base.GetUtcNow();
        }
    }
}

public sealed class CommandRetryRaceTests_Sqlite() : CommandRetryRaceTests(JournalProvider.Sqlite);

public sealed class CommandRetryRaceTests_Postgres() : CommandRetryRaceTests(JournalProvider.Postgres);
