namespace EventStore.Errors;

/// <summary>A command is impossible in the aggregate's current state (completing a task that never started…).</summary>
[GenerateSerializer]
public sealed class InvalidTransitionException : EventStoreException
{
    /// <summary>Creates the error.</summary>
    public InvalidTransitionException(string aggregateType, string aggregateId, string command, string reason)
        : base($"Cannot {command} {aggregateType} '{aggregateId}': {reason}")
        => (AggregateType, AggregateId, Command) = (aggregateType, aggregateId, command);

    /// <summary>The aggregate's type.</summary>
    [Id(0)] public string AggregateType { get; private set; }

    /// <summary>The aggregate's id.</summary>
    [Id(1)] public string AggregateId { get; private set; }

    /// <summary>The command that was refused.</summary>
    [Id(2)] public string Command { get; private set; }
}
