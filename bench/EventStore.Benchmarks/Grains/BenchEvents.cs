using EventStore.Events;

namespace EventStore.Benchmarks.Grains;

/// <summary>The benchmark's ordinary event: about 200 bytes of JSON payload (see <see cref="Payloads"/>).</summary>
[EventType("bench:appended"), GenerateSerializer, Immutable]
public sealed record BenchAppended(string AggregateId, long Seq, string Data) : IDomainEvent;

/// <summary>A second event type, one in ten of the big log, so that W6 has a type to query by.</summary>
[EventType("bench:flagged"), GenerateSerializer, Immutable]
public sealed record BenchFlagged(string AggregateId, long Seq, string Data) : IDomainEvent;

/// <summary>The event of the LogStorage baseline grain (Orleans stores it as JSON in its grain state).</summary>
[GenerateSerializer, Immutable]
public sealed record LogBenchEvent(string AggregateId, long Seq, string Data, long Timestamp);
