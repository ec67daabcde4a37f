using EventStore.Events;
using EventStore.Journal;
using EventStore.Journal.Sqlite;
using EventStore.Projections;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace EventStore.Tests.Infrastructure;

/// <summary>The journal on its own, without Orleans, on a real file in a temporary folder; disposing it removes the file.</summary>
internal sealed class TempJournal : IDisposable
{
    private readonly List<EventJournal> _others = [];
    private readonly JournalOptions _options;
    private readonly EventPayloadSerializer _serializer;

    /// <param name="configure">Settings of the journal.</param>
    /// <param name="clock">The journal's clock.</param>
    /// <param name="prepare">Runs on the file's path before the journal opens it (to lay down an older schema, say).</param>
    public TempJournal(Action<JournalOptions>? configure = null, TimeProvider? clock = null, Action<string>? prepare = null)
    {
        _options = new JournalOptions { DatabasePath = Path, EventAssemblies = { typeof(NoteAdded).Assembly } };
        configure?.Invoke(_options);
        _serializer = new EventPayloadSerializer(new EventTypeRegistry(_options.EventAssemblies));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        prepare?.Invoke(Path);
        Journal = new EventJournal(_options, _serializer, new SqliteJournalBackend(_options, _serializer), NullLogger<EventJournal>.Instance, clock);
        Journal.Start();
    }

    /// <summary>Another journal on the same file, started (as a second process would open it); disposed with this one.</summary>
    public EventJournal OpenAnother()
    {
        var journal = new EventJournal(_options, _serializer, new SqliteJournalBackend(_options, _serializer), NullLogger<EventJournal>.Instance);
        journal.Start();
        _others.Add(journal);
        return journal;
    }

    /// <summary>A batch store of its own on the file: the transaction side of a writer, driven by hand.</summary>
    internal IJournalBatchStore OpenBatchStore() => new SqliteJournalBackend(_options, _serializer).CreateBatchStore();

    /// <summary>A read-model store of its own on the file, as another silo's backend would make it.</summary>
    internal IReadModelStore OpenReadModelStore() => new SqliteJournalBackend(_options, _serializer).CreateReadModelStore();

    /// <summary>The journal file.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eventstore-tests", $"{Guid.NewGuid():N}.db");

    /// <summary>The journal's settings.</summary>
    public JournalOptions Options => _options;

    /// <summary>The journal's serializer.</summary>
    public EventPayloadSerializer Serializer => _serializer;

    /// <summary>The journal under test, started.</summary>
    public EventJournal Journal { get; }

    /// <summary>Plain SQL on the file.</summary>
    public JournalFile File => new(Path);

    /// <summary>An append of <paramref name="count"/> notes of type <c>test:note</c>, ready for the writer.</summary>
    public static StreamAppend NoteAppend(string stream, long expectedVersion, string? eventId = null, int count = 1, int characters = 0, string aggregateType = "test") =>
        new(stream, aggregateType, expectedVersion, Enumerable.Range(0, count).Select(i =>
        {
            var text = characters > 0 ? new string('x', characters) : $"{stream} {i}";
            return new UnwrittenEvent(eventId ?? Guid.NewGuid().ToString(), "test:note", stream, aggregateType, 1, "test", new NoteAdded(text), null, null, null,
                $$"""{"text":"{{text}}"}""", null, null);
        }).ToList());

    public void Dispose()
    {
        foreach (var other in _others) other.Dispose();
        Journal.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(System.IO.Path.GetDirectoryName(Path)!, System.IO.Path.GetFileName(Path) + "*")) System.IO.File.Delete(file);
    }
}
