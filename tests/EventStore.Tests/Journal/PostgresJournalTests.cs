using EventStore.Errors;
using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Journal.Postgres;
using EventStore.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;

namespace EventStore.Tests.Journal;

/// <summary>What only the PostgreSQL journal does: its schema across silos, its writer's connection, its maintenance, its settings.</summary>
public sealed class PostgresJournalTests
{
    [Fact]
    public async Task Silos_starting_at_once_create_the_schema_together_without_failing()
    {
        var connectionString = await PostgresServer.CreateDatabaseAsync("schema_race");
        try
        {
            var options = new JournalOptions { Provider = JournalProvider.Postgres, ConnectionString = connectionString };
            var serializer = new EventPayloadSerializer(new EventTypeRegistry([]));
            var backends = Enumerable.Range(0, 6).Select(_ => new PostgresJournalBackend(options, serializer)).ToList();
            using var start = new Barrier(backends.Count);

            await Task.WhenAll(backends.Select(backend => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                backend.EnsureSchema();
            }, TaskCreationOptions.LongRunning)));

            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT version FROM journal_schema", connection);
            Assert.Equal(PostgresJournalSql.SchemaVersion, (int)(await command.ExecuteScalarAsync())!);
            foreach (var backend in backends) backend.Dispose();
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(connectionString);
        }
    }

    [Fact]
    public async Task A_batch_that_lost_its_connection_fails_and_the_writer_reconnects_for_the_next()
    {
        await using var temp = await TempPostgresJournal.CreateAsync();
        await temp.Journal.AppendAsync(TempJournal.NoteAppend("before", 0));

        await temp.ScalarAsync($"SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '{PostgresJournalBackend.WriterApplicationName}' AND datname = current_database()");

        await Assert.ThrowsAsync<JournalUnavailableException>(() => temp.Journal.AppendAsync(TempJournal.NoteAppend("lost", 0)));
        var after = Assert.IsType<AppendOutcome.Committed>(await temp.Journal.AppendAsync(TempJournal.NoteAppend("after", 0)));
        Assert.Equal(2, Assert.Single(after.Events).Position);
    }

    [Fact]
    public async Task Backup_is_refused_naming_the_tools_to_use_and_checkpoint_says_there_is_nothing_to_do()
    {
        await using var temp = await TempPostgresJournal.CreateAsync();

        var error = await Assert.ThrowsAsync<InvalidCommandException>(() => temp.Journal.BackupAsync("copy.db"));
        var checkpoint = await temp.Journal.CheckpointAsync();

        Assert.Equal("fileName", error.Argument);
        Assert.Contains("pg_dump", error.Message);
        Assert.Contains("pg_basebackup", error.Message);
        Assert.Equal(new(false, 0, 0), checkpoint);
        Assert.True(await temp.Journal.GetSizeBytesAsync() > 0);
    }

    [Fact]
    public void The_description_names_server_and_database_but_never_the_password()
    {
        var options = new JournalOptions { Provider = JournalProvider.Postgres, ConnectionString = "Host=db.example;Port=5433;Database=events;Username=silo;Password=s3cret-pw" };
        using var backend = new PostgresJournalBackend(options, new EventPayloadSerializer(new EventTypeRegistry([])));

        Assert.StartsWith("PostgreSQL db.example:5433/events", backend.Description);
        Assert.DoesNotContain("s3cret-pw", backend.Description);
    }

    [Theory]
    [InlineData(null, "is required")]
    [InlineData("Host=h;Database=d;Password=s3cret-pw;Bogus Keyword=1", "not a valid")]
    [InlineData("Password=s3cret-pw;Database=d", "must name a Host")]
    public void A_postgres_journal_without_a_usable_connection_string_is_refused_without_repeating_it(string? connectionString, string problem)
    {
        var options = new JournalOptions { Provider = JournalProvider.Postgres, ConnectionString = connectionString };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("EventStore:Journal:ConnectionString", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.DoesNotContain("s3cret-pw", error.Message);
    }

    [Fact]
    public void Provider_and_connection_string_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EventStore:Journal:Provider"] = "Postgres",
            ["EventStore:Journal:ConnectionString"] = "Host=h;Database=d",
        }).Build();

        var options = configuration.GetSection("EventStore:Journal").Get<JournalOptions>()!;

        Assert.Equal((JournalProvider.Postgres, "Host=h;Database=d"), (options.Provider, options.ConnectionString));
        Assert.Equal(JournalProvider.Sqlite, new JournalOptions().Provider);
    }

    [Fact]
    public async Task A_silo_with_provider_postgres_keeps_its_grains_events_in_postgres()
    {
        await using var temp = await TempPostgresJournal.CreateAsync();
        var folder = Path.Combine(Path.GetTempPath(), "eventstore-tests", Guid.NewGuid().ToString("N"));
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo.AddEventJournal(options =>
        {
            options.Provider = JournalProvider.Postgres;
            options.ConnectionString = temp.ConnectionString;
            options.DatabasePath = Path.Combine(folder, "unused.db");
            options.EventAssemblies.Add(typeof(NoteAdded).Assembly);
        }));
        await using var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            Assert.IsType<PostgresJournalBackend>(cluster.Silos[0].ServiceProvider.GetRequiredService<IJournalBackend>());
            var grain = cluster.Client.GetGrain<INoteGrain>("pg-note");
            await grain.Raise(new NoteAdded("one"));
            await grain.Raise(new NoteAdded("two"));

            var stored = await temp.Journal.Reader.ReadStreamAsync("pg-note", 0);
            Assert.Equal([new NoteAdded("one"), new NoteAdded("two")], stored.Select(e => e.Payload));
            Assert.False(File.Exists(Path.Combine(folder, "unused.db")));
        }
        finally
        {
            await cluster.StopAllSilosAsync();
        }
    }
}
