namespace EventStore.Errors;

/// <summary>An argument of a command is invalid (empty id, value out of range, text too long…).</summary>
[GenerateSerializer]
public sealed class InvalidCommandException : EventStoreException
{
    /// <summary>Creates the error.</summary>
    /// <param name="argument">The argument that is wrong.</param>
    /// <param name="problem">What is wrong with it.</param>
    public InvalidCommandException(string argument, string problem)
        : base($"Invalid argument '{argument}': {problem}") => (Argument, Problem) = (argument, problem);

    /// <summary>The argument that is wrong.</summary>
    [Id(0)] public string Argument { get; private set; }

    /// <summary>What is wrong with it.</summary>
    [Id(1)] public string Problem { get; private set; }
}
