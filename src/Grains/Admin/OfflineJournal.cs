using EventStore.Diagnostics;
using EventStore.Journal;
using EventStore.Journal.Postgres;
using EventStore.Journal.Sqlite;
using EventStore.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventStore.Admin;

/// <summary>
/// A journal opened directly on its database, without a silo: for administration tools (the CLI in src/Cli) and
/// scripts. Reads see committed events only and never block a silo writing the same database at the same time;
/// writes (<see cref="Store"/>'s appends, an import) go through the same append pipeline a silo uses, with its own
/// group-commit writer, so they must not race a silo on the same streams. The schema is created or upgraded on open,
/// as a silo does at start.
/// </summary>
public sealed class OfflineJournal : IDisposable
{
    private OfflineJournal(JournalOptions options, IJournalBackend backend, EventPayloadSerializer serializer, ILoggerFactory loggers)
    {
        var metrics = new EventStoreMetrics(meters: null);
        (Options, Backend, Serializer) = (options, backend, serializer);
        Journal = new EventJournal(options, serializer, backend, loggers.CreateLogger<EventJournal>(), TimeProvider.System, metrics);
        Journal.Start();
        Store = new JournalEventStore(Journal, backend.Reader, options, serializer, TimeProvider.System, metrics);
    }

    /// <summary>The event store's operations on this journal, as a silo serves them.</summary>
    public IEventStore Store { get; }

    /// <summary>Where the journal is, in words (a file, or a server and database; never a password).</summary>
    public string Description => Backend.Description;

    /// <summary>The options it was opened with.</summary>
    public JournalOptions Options { get; }

    internal IJournalBackend Backend { get; }

    internal EventPayloadSerializer Serializer { get; }

    internal EventJournal Journal { get; }

    internal IJournalReader Reader => Backend.Reader;

    /// <summary>
    /// Opens the journal <paramref name="options"/> name. An SQLite file must exist unless <paramref name="create"/>; a
    /// PostgreSQL database must exist (its schema is created if missing). Event types are the built-in ones and those of
    /// <see cref="JournalOptions.EventAssemblies"/>.
    /// </summary>
    /// <exception cref="JournalNotFoundException">No SQLite file at <see cref="JournalOptions.DatabasePath"/> and <paramref name="create"/> is false.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message names the setting.</exception>
    public static OfflineJournal Open(JournalOptions options, bool create = false, ILoggerFactory? loggers = null)
    {
        options.Validate();
        if (options.Provider == JournalProvider.Sqlite && !create && !File.Exists(options.DatabasePath))
            throw new JournalNotFoundException($"there is no journal file at {Path.GetFullPath(options.DatabasePath)}");
        var serializer = new EventPayloadSerializer(new EventTypeRegistry(options.EventAssemblies));
        IJournalBackend backend = options.Provider == JournalProvider.Postgres
            ? new PostgresJournalBackend(options, serializer)
            : new SqliteJournalBackend(options, serializer);
        return new OfflineJournal(options, backend, serializer, loggers ?? NullLoggerFactory.Instance);
    }

    /// <summary>Commits whatever the writer still holds, then closes the journal.</summary>
    public void Dispose() => Journal.Dispose();
}

/// <summary>The journal an <see cref="OfflineJournal"/> was asked to open does not exist.</summary>
public sealed class JournalNotFoundException(string message) : Exception(message);
