using System.Text.Json;
using EventStore.Aggregates;
using EventStore.Events;
using EventStore.Projections;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace EventStore.Tests.Reliability;

/// <summary>Helpers of the reliability tests: folding views by hand, and touching the journal file as an outsider would.</summary>
internal static class ReliabilityKit
{
    /// <summary>A generous bound for calls that must end on their own: only a guard against hanging, never a timing assertion.</summary>
    public static readonly TimeSpan NoHang = TimeSpan.FromSeconds(60);

    /// <summary>The view folded by hand from events with the view's own <see cref="AggregateView.Apply"/>.</summary>
    public static T Fold<T>(IEnumerable<EventEnvelope> events) where T : AggregateView, new()
    {
        var view = new T();
        foreach (var e in events) view.Apply(e);
        return view;
    }

    /// <summary>A value as JSON, to compare views field by field.</summary>
    public static string Json(object value) => JsonSerializer.Serialize(value, value.GetType());

    /// <summary>Asserts that an agent's state, as its grain reports it, equals the fold of its journal events.</summary>
    public static async Task AssertAgentMatchesJournal(IClusterClient client, string agentId)
    {
        var folded = Fold<AgentView>(await client.GetEventStore().GetEvents(agentId));
        Assert.Equal(Json(folded), Json(await client.GetGrain<IAgentGrain>(agentId).GetState()));
    }

    /// <summary>Asserts that the AgentState and TaskHistory projections catch up to the journal's head with no problem, and hold every agent spawned.</summary>
    public static async Task AssertProjectionsConverge(IClusterClient client, IJournalRows journal)
    {
        var rows = journal.Rows();
        var head = rows.Count == 0 ? 0 : rows.Max(r => r.Position);
        var agents = client.GetGrain<IAgentStateProjection>(IAgentStateProjection.Key);
        var tasks = client.GetGrain<ITaskHistoryProjection>(ITaskHistoryProjection.Key);
        foreach (var status in new[] { await agents.CatchUp(), await tasks.CatchUp() })
            Assert.Equal((status.Projection, head, (string?)null), (status.Projection, status.Checkpoint, status.Problem));
        Assert.Equal(rows.Where(r => r.Type == "agent:spawned").Select(r => r.AggregateId).Order(), (await agents.GetAll()).Select(a => a.AgentId).Order());
    }

    /// <summary>A note event for the store, with an explicit id.</summary>
    public static NewEvent Note(string text, string? id = null) => new(new NoteAdded(text)) { Id = id ?? Ids.New("evt") };

    /// <summary>Opens a plain connection to the journal file.</summary>
    public static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }

    /// <summary>Takes SQLite's write lock from another connection (BEGIN IMMEDIATE), as another process would, until disposed.</summary>
    public static IDisposable HoldWriteLock(string path)
    {
        var connection = Open(path);
        var transaction = connection.BeginTransaction(deferred: false);
        return new Release(() =>
        {
            transaction.Rollback();
            transaction.Dispose();
            connection.Dispose();
        });
    }

    /// <summary>Runs one statement with parameters; returns the rows changed.</summary>
    public static int Execute(string path, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command.ExecuteNonQuery();
    }

    /// <summary>One value of one row.</summary>
    public static object? Scalar(string path, string sql, params (string Name, object Value)[] parameters)
    {
        using var connection = Open(path);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        return command.ExecuteScalar();
    }

    /// <summary>Rows in both snapshot tables: the store's and the grains' own.</summary>
    public static long SnapshotCount(string path) => (long)Scalar(path, "SELECT (SELECT COUNT(*) FROM snapshots) + (SELECT COUNT(*) FROM grain_snapshots)")!;

    /// <summary>Rows in both snapshot tables, on either backend.</summary>
    public static long SnapshotCount(IJournalRows journal) => journal.Long("SELECT (SELECT COUNT(*) FROM snapshots) + (SELECT COUNT(*) FROM grain_snapshots)")!.Value;

    private sealed class Release(Action release) : IDisposable
    {
        private Action? _release = release;

        public void Dispose()
        {
            _release?.Invoke();
            _release = null;
        }
    }
}
