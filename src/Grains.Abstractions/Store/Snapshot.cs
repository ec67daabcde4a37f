namespace EventStore.Store;

/// <summary>An aggregate's state at a version, so that it can be rebuilt from there instead of from version 1.</summary>
/// <param name="AggregateId">The aggregate.</param>
/// <param name="AggregateType">Its type.</param>
/// <param name="Version">The version of the last event folded into <paramref name="State"/>.</param>
/// <param name="State">The encoded state.</param>
/// <param name="Timestamp">When it was taken, in Unix ms.</param>
[GenerateSerializer, Immutable]
public sealed record Snapshot(string AggregateId, string AggregateType, long Version, string State, long Timestamp);
