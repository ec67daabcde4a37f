using EventStore.Journal;
using EventStore.Journal.Postgres;
using EventStore.Projections;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace EventStore.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL journal on its own, without Orleans, in a fresh database of the test run's server
/// (<see cref="PostgresServer"/>); disposing it drops the database. The twin of <see cref="TempJournal"/>.
/// </summary>
internal sealed class TempPostgresJournal : IAsyncDisposable
{
    private readonly List<(EventJournal Journal, PostgresJournalBackend Backend)> _opened = [];
    private readonly JournalOptions _options;
    private readonly EventPayloadSerializer _serializer;

    private TempPostgresJournal(string connectionString, Action<JournalOptions>? configure)
    {
        ConnectionString = connectionString;
        _options = new JournalOptions { Provider = JournalProvider.Postgres, ConnectionString = connectionString, EventAssemblies = { typeof(NoteAdded).Assembly } };
        configure?.Invoke(_options);
        _serializer = new EventPayloadSerializer(new EventTypeRegistry(_options.EventAssemblies));
    }

    /// <summary>
    /// A new database and a started journal on it. <paramref name="prepare"/> runs on the empty database
    /// (given its connection string) before the journal opens it, to lay down an older schema, say.
    /// <paramref name="databaseOptions"/> are more options of <c>CREATE DATABASE</c> (a locale, say).
    /// </summary>
    public static async Task<TempPostgresJournal> CreateAsync(Action<JournalOptions>? configure = null, Func<string, Task>? prepare = null, string databaseOptions = "")
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("journal", databaseOptions);
        if (prepare is not null) await prepare(connectionString);
        var temp = new TempPostgresJournal(connectionString, configure);
        temp.Journal = temp.OpenAnother();
        return temp;
    }

    /// <summary>The database's connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The journal under test, started.</summary>
    public EventJournal Journal { get; private set; } = null!;

    /// <summary>Another journal on the same database, started: a second silo's. Disposed with this one.</summary>
    public EventJournal OpenAnother()
    {
        var backend = new PostgresJournalBackend(_options, _serializer);
        var journal = new EventJournal(_options, _serializer, backend, NullLogger<EventJournal>.Instance);
        _opened.Add((journal, backend));
        journal.Start();
        return journal;
    }

    /// <summary>A batch store of its own on the database: the transaction side of a writer, driven by hand.</summary>
    public IJournalBatchStore OpenBatchStore()
    {
        var backend = new PostgresJournalBackend(_options, _serializer);
        _opened.Add((null!, backend));
        return backend.CreateBatchStore();
    }

    /// <summary>A read-model store of its own on the database, as another silo's backend would make it.</summary>
    public IReadModelStore OpenReadModelStore()
    {
        var backend = new PostgresJournalBackend(_options, _serializer);
        _opened.Add((null!, backend));
        return backend.CreateReadModelStore();
    }

    /// <summary>Plain SQL on the database; returns the first column of the first row.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (journal, backend) in _opened)
        {
            journal?.Dispose();
            backend.Dispose();
        }
        await PostgresServer.DropDatabaseAsync(ConnectionString);
    }
}
