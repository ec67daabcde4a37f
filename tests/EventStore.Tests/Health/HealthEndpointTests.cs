using System.Net;
using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Events;
using EventStore.Health;
using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using EventStore.Tests.Projections;
using EventStore.Tests.Reliability;
using Npgsql;
using Xunit.Abstractions;

namespace EventStore.Tests.Health;

/// <summary>
/// The silo's HTTP host, as the silo program adds it (<see cref="EventStoreHttpSiloBuilderExtensions.AddEventStoreHttp(ISiloBuilder, EventStoreHttpOptions)"/>),
/// on a real in-process silo over each backend, called over real HTTP on 127.0.0.1 at a free port: liveness, readiness
/// (healthy, then unhealthy naming the journal or the projection at fault, then healthy again) and the dashboard's page.
/// Each test has its own cluster: each puts its silo into a state the others must not see.
/// </summary>
public abstract class HealthEndpointTests(JournalProvider provider, ITestOutputHelper output)
{
    private static readonly TimeSpan NoHang = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Live_and_ready_answer_200_naming_each_check_and_the_dashboard_serves_its_page_and_data()
    {
        await WithCluster(http => http.MaxProjectionLagEvents = 1000, async (cluster, client) =>
        {
            var store = cluster.Client.GetEventStore();
            await store.Append(Ids.New("ledger"), "ledger", [new NewEvent(new NoteAdded("hello"))]);

            var (liveCode, live) = await Get(client, "health/live");
            Assert.Equal(HttpStatusCode.OK, liveCode);
            Assert.Equal("Healthy", live.GetProperty("status").GetString());
            Assert.Equal(["silo"], Checks(live).Keys);

            var (readyCode, ready) = await Get(client, "health/ready");
            Assert.Equal(HttpStatusCode.OK, readyCode);
            Assert.Equal(["journal", "projections", "silo"], Checks(ready).Keys.Order());
            Assert.All(Checks(ready).Values, check => Assert.Equal("Healthy", check.GetProperty("status").GetString()));
            var projections = Checks(ready)["projections"].GetProperty("data");
            Assert.True(projections.TryGetProperty("agent_state", out _), projections.ToString());

            var page = await client.GetAsync("dashboard/");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("<html", await page.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            // The page's data comes from the silo's dashboard services, through the same host.
            var counters = await client.GetAsync("dashboard/DashboardCounters");
            Assert.Equal(HttpStatusCode.OK, counters.StatusCode);
            Assert.Contains("totalActiveHostCount", await counters.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task Ready_is_503_naming_the_journal_while_its_writer_is_overloaded_and_200_again_once_it_drains()
    {
        await WithCluster(_ => { }, async (cluster, client) =>
        {
            var store = cluster.Client.GetEventStore();
            Task<AppendResult>[] appends;
            using (await cluster.SiloJournal.PauseWriterAsync())
            {
                appends = Enumerable.Range(0, 5).Select(i => store.Append(Ids.New("flood"), "ledger", [new NewEvent(new NoteAdded($"n{i}"))])).ToArray();
                await Poll.Until(() => Task.FromResult(cluster.SiloJournal.QueuedEvents), n => n == 5, "five appends queued behind the held writer");

                var (code, ready) = await Get(client, "health/ready");
                output.WriteLine(ready.ToString());
                Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
                Assert.Equal("Unhealthy", ready.GetProperty("status").GetString());
                var journal = Checks(ready)["journal"];
                Assert.Equal("Unhealthy", journal.GetProperty("status").GetString());
                Assert.Contains("overloaded: 5 of 5 events", journal.GetProperty("description").GetString());
                Assert.Equal("Healthy", Checks(ready)["silo"].GetProperty("status").GetString());
                Assert.Equal(HttpStatusCode.OK, (await Get(client, "health/live")).Code); // alive, just not ready
            }

            await Task.WhenAll(appends).WaitAsync(NoHang);
            Assert.Equal(HttpStatusCode.OK, (await Get(client, "health/ready")).Code);
        }, journal: j => j.MaxQueuedEvents = 5);
    }

    [Fact]
    public async Task Ready_is_503_naming_the_projections_behind_the_lag_bound_and_200_again_once_they_catch_up()
    {
        // The projectors apply what they are sent but commit their records (and so move their checkpoints past them) only when this test asks them to.
        await WithCluster(http => (http.MaxProjectionLagEvents, http.MaxProjectionLag) = (3, TimeSpan.FromHours(1)), async (cluster, client) =>
        {
            IProjection[] projections =
            [
                cluster.Client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key),
                cluster.Client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key),
                cluster.Client.GetGrain<IMemoryIndexProjection>(IMemoryIndexProjection.Key),
            ];
            var store = cluster.Client.GetEventStore();
            await store.Append(Ids.New("ledger"), "ledger", [new NewEvent(new NoteAdded("before"))]);
            foreach (var projection in projections) await projection.CatchUp();
            Assert.Equal(HttpStatusCode.OK, (await Get(client, "health/ready")).Code);

            // Events no projection folds change no record: a projection counts them as seen once applied, with no commit.
            for (var i = 0; i < 4; i++) await store.Append(Ids.New("ledger"), "ledger", [new NewEvent(new NoteAdded($"n{i}"))]);
            foreach (var projection in projections)
                await Eventually.Until(projection.GetStatus, s => s.LagEvents == 0, "a projection sees events it does not fold without committing");
            Assert.Equal(HttpStatusCode.OK, (await Get(client, "health/ready")).Code);

            // Events agent_state folds: applied, their records wait for a commit, so its queries do not see them yet.
            for (var i = 0; i < 4; i++)
            {
                var agent = Ids.New("agent");
                await store.Append(agent, AggregateTypes.Agent, [new NewEvent(new AgentSpawned(agent, "coder", AgentDomain.Core, []))]);
            }
            foreach (var projection in projections[1..]) // task_history and memory_index do not fold agent events
                await Eventually.Until(projection.GetStatus, s => s.LagEvents == 0, "a projection sees events it does not fold without committing");
            var (code, ready) = await Get(client, "health/ready");
            output.WriteLine(ready.ToString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
            var check = Checks(ready)["projections"];
            Assert.Equal("Unhealthy", check.GetProperty("status").GetString());
            Assert.Contains("projection agent_state is 4 events behind the head (at most 3)", check.GetProperty("description").GetString());
            Assert.DoesNotContain("task_history", check.GetProperty("description").GetString());
            Assert.Equal(4, check.GetProperty("data").GetProperty("agent_state").GetProperty("lagEvents").GetInt64());
            Assert.Equal("Healthy", Checks(ready)["journal"].GetProperty("status").GetString());

            foreach (var projection in projections) await projection.CatchUp();
            Assert.Equal(HttpStatusCode.OK, (await Get(client, "health/ready")).Code);
        }, projections: p => (p.CommitEveryEvents, p.CommitInterval, p.FlushInterval) = (100_000, TimeSpan.FromHours(1), TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task Ready_is_503_naming_the_journal_after_a_commit_failed_and_200_again_once_one_commits()
    {
        await WithCluster(_ => { }, async (cluster, client) =>
        {
            var store = cluster.Client.GetEventStore();
            var ledger = Ids.New("ledger");
            await store.Append(ledger, "ledger", [new NewEvent(new NoteAdded("before"))]);
            Assert.Equal(HttpStatusCode.OK, (await Get(client, "health/ready")).Code);

            using (HoldWriteLock(cluster))
                await Assert.ThrowsAsync<EventStore.Errors.JournalUnavailableException>(
                    () => store.Append(ledger, "ledger", [new NewEvent(new NoteAdded("refused"))]).WaitAsync(NoHang));

            // The lock is gone, but nothing has committed since the failure: the journal is not known to be writable yet.
            var (code, ready) = await Get(client, "health/ready");
            output.WriteLine(ready.ToString());
            Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
            var journal = Checks(ready)["journal"];
            Assert.StartsWith("the journal's last commit failed: ", journal.GetProperty("description").GetString());
            Assert.Equal(HttpStatusCode.OK, (await Get(client, "health/live")).Code);

            await store.Append(ledger, "ledger", [new NewEvent(new NoteAdded("after"))]);
            Assert.Equal(HttpStatusCode.OK, (await Get(client, "health/ready")).Code);
        }, journal: j => j.BusyTimeout = TimeSpan.FromSeconds(1));
    }

    /// <summary>Takes the journal's write lock from another connection, as another process would, until disposed (past it, commits fail).</summary>
    private static IDisposable HoldWriteLock(ReliabilityCluster cluster)
    {
        if (cluster.PostgresConnectionString is null) return ReliabilityKit.HoldWriteLock(cluster.DatabasePath);
        var connection = new NpgsqlConnection(cluster.PostgresConnectionString);
        connection.Open();
        var transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand("LOCK TABLE events IN EXCLUSIVE MODE", connection, transaction)) command.ExecuteNonQuery();
        return new Released(() =>
        {
            transaction.Rollback();
            connection.Dispose();
        });
    }

    private sealed class Released(Action release) : IDisposable
    {
        public void Dispose() => release();
    }

    private async Task WithCluster(Action<EventStoreHttpOptions> http, Func<ReliabilityCluster, HttpClient, Task> test,
        Action<JournalOptions>? journal = null, Action<ProjectionOptions>? projections = null)
    {
        var (path, postgres) = (ReliabilityCluster.NewDatabasePath(), await ReliabilityCluster.NewPostgresDatabaseAsync(provider));
        try
        {
            var options = new EventStoreHttpOptions { Enabled = true, Port = 0 };
            http(options);
            await using var cluster = await ReliabilityCluster.StartAsync(path, journal, projections, postgres: postgres,
                configureSilo: silo => silo.AddEventStoreHttp(options));
            var address = cluster.SiloService<EventStoreHttpHost>().Address ?? throw new InvalidOperationException("The HTTP host did not start.");
            Assert.Equal(IPAddress.Loopback.ToString(), address.Host); // loopback unless told otherwise
            using var client = new HttpClient { BaseAddress = address, Timeout = NoHang };
            await test(cluster, client);
        }
        finally
        {
            ReliabilityCluster.DeleteFolder(path);
            await ReliabilityCluster.DropPostgresDatabaseAsync(postgres);
        }
    }

    private static async Task<(HttpStatusCode Code, JsonElement Body)> Get(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static Dictionary<string, JsonElement> Checks(JsonElement report) =>
        report.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
}

public sealed class HealthEndpointTests_Sqlite(ITestOutputHelper output) : HealthEndpointTests(JournalProvider.Sqlite, output);

public sealed class HealthEndpointTests_Postgres(ITestOutputHelper output) : HealthEndpointTests(JournalProvider.Postgres, output);
