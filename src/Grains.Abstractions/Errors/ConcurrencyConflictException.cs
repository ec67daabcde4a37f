namespace EventStore.Errors;

/// <summary>Another writer appended to the aggregate first; the append was not written.</summary>
[GenerateSerializer]
public sealed class ConcurrencyConflictException : EventStoreException
{
    /// <summary>Creates the error.</summary>
    public ConcurrencyConflictException(string aggregateId, long expectedVersion, long actualVersion)
        : base($"Version conflict on aggregate '{aggregateId}': expected version {expectedVersion}, but it is at version {actualVersion}")
        => (AggregateId, ExpectedVersion, ActualVersion) = (aggregateId, expectedVersion, actualVersion);

    /// <summary>The aggregate's id.</summary>
    [Id(0)] public string AggregateId { get; private set; }

    /// <summary>The version the writer expected the aggregate to be at.</summary>
    [Id(1)] public long ExpectedVersion { get; private set; }

    /// <summary>The version the aggregate was actually at.</summary>
    [Id(2)] public long ActualVersion { get; private set; }
}
