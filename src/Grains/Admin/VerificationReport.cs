namespace EventStore.Admin;

/// <summary>What <see cref="JournalVerifier"/> found: every check, each ok or with its problems.</summary>
/// <param name="HeadPosition">The journal head the checks read up to (the stats' head when verification began).</param>
/// <param name="Events">The events read.</param>
/// <param name="Streams">The streams (aggregates) those events belong to.</param>
/// <param name="Checks">Each check and what it found.</param>
public sealed record VerificationReport(long HeadPosition, long Events, long Streams, IReadOnlyList<VerificationCheck> Checks)
{
    /// <summary>Whether every check holds.</summary>
    public bool Ok => Checks.All(c => c.Ok);
}

/// <summary>One check of a verification.</summary>
/// <param name="Name">A short stable name (<c>positions</c>, <c>streams</c>, <c>readable</c>, <c>counters</c>, <c>snapshots</c>, <c>projection:NAME</c>).</param>
/// <param name="Description">What it checks, in words.</param>
/// <param name="ProblemCount">How many problems it found (0: it holds).</param>
/// <param name="Problems">The first <see cref="VerificationProblems.Shown"/> problems, each naming its position, aggregate or key.</param>
public sealed record VerificationCheck(string Name, string Description, long ProblemCount, IReadOnlyList<string> Problems)
{
    /// <summary>Whether the check holds.</summary>
    public bool Ok => ProblemCount == 0;
}

/// <summary>How far a verification got: the stage and, while reading the journal, the position read up to.</summary>
/// <param name="Stage">What is being checked.</param>
/// <param name="Position">The last position read.</param>
/// <param name="HeadPosition">The position reading ends at.</param>
public readonly record struct VerificationProgress(string Stage, long Position, long HeadPosition);

/// <summary>The problems one check found: all counted, the first few kept.</summary>
public sealed class VerificationProblems(string name, string description)
{
    /// <summary>How many problems a check keeps to show.</summary>
    public const int Shown = 10;

    private readonly List<string> _first = [];

    /// <summary>How many were found.</summary>
    public long Count { get; private set; }

    /// <summary>Counts a problem, and keeps it if it is among the first <see cref="Shown"/>.</summary>
    public void Add(string problem)
    {
        Count++;
        if (_first.Count < Shown) _first.Add(problem);
    }

    /// <summary>The check's result.</summary>
    public VerificationCheck ToCheck() => new(name, description, Count, [.. _first]);
}
