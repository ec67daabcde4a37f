using EventStore.Journal;

namespace EventStore.Tests.Conformance;

/// <summary>What <see cref="JournalConformance"/> needs of a backend's test kit: a fresh database with journals on it.</summary>
internal interface IJournalKit : IAsyncDisposable
{
    /// <summary>The journal under test, started.</summary>
    EventJournal Journal { get; }

    /// <summary>Another journal on the same database, started: a second silo (or process).</summary>
    EventJournal OpenAnother();

    /// <summary>A batch store of its own on the database, driven by hand: a writer's transaction held open at will.</summary>
    IJournalBatchStore OpenBatchStore();

    /// <summary>Completes once some connection waits for a lock held by another (where the database shows it; else at once).</summary>
    Task WaitUntilAWriterWaitsForALockAsync(CancellationToken cancellation);

    /// <summary>The schema version recorded in the database.</summary>
    Task<long> RecordedSchemaVersionAsync();
}
