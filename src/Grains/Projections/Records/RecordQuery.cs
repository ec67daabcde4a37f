using EventStore.Errors;

namespace EventStore.Projections;

/// <summary>How a condition compares a column with a value.</summary>
public enum Comparison
{
    /// <summary>The column equals the value.</summary>
    Equal,

    /// <summary>The column is less than the value.</summary>
    Less,

    /// <summary>The column is greater than the value.</summary>
    Greater,
}

/// <summary>One condition of a <see cref="RecordQuery"/>: a column compared with a value (a string for text columns, a long for integer ones).</summary>
public sealed record RecordCondition(string Column, Comparison Comparison, object Value);

/// <summary>
/// Which records of a table a query returns: those meeting every condition, in key order from after a
/// cursor, or ordered by a column (largest first with <see cref="Descending"/>; ties by key, in the same direction), at most <see cref="Limit"/>.
/// Each condition and ordering column is indexed, so a query costs what it returns, not what the table holds.
/// </summary>
public sealed record RecordQuery
{
    /// <summary>The most records one query returns.</summary>
    public const int MaxLimit = PageLimits.Max;

    /// <summary>How many records a page holds unless asked otherwise.</summary>
    public const int DefaultLimit = PageLimits.Default;

    /// <summary>Every record, in key order, <see cref="DefaultLimit"/> per page.</summary>
    public static RecordQuery All { get; } = new();

    /// <summary>Conditions every returned record meets.</summary>
    public IReadOnlyList<RecordCondition> Conditions { get; init; } = [];

    /// <summary>The column to order by; null for key order (the only order that pages with <see cref="After"/>).</summary>
    public string? OrderBy { get; init; }

    /// <summary>Largest <see cref="OrderBy"/> first.</summary>
    public bool Descending { get; init; }

    /// <summary>Only records whose key comes after this one (the <see cref="RecordPage{T}.Next"/> of the previous page).</summary>
    public string? After { get; init; }

    /// <summary>The most records to return, 0 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Adds the condition <paramref name="column"/> = <paramref name="value"/>.</summary>
    public RecordQuery Where(string column, object value) => Where(column, Comparison.Equal, value);

    /// <summary>Adds a condition.</summary>
    public RecordQuery Where(string column, Comparison comparison, object value) => this with { Conditions = [.. Conditions, new RecordCondition(column, comparison, value)] };

    /// <summary>Orders by a column instead of the key, largest first if <paramref name="descending"/>.</summary>
    public RecordQuery Ordered(string column, bool descending) => this with { OrderBy = column, Descending = descending };

    /// <summary>The page after <paramref name="after"/> (null: the first) of at most <paramref name="limit"/> records; refuses a limit out of range.</summary>
    public RecordQuery Page(string? after, int limit)
    {
        if (limit is < 0 or > MaxLimit) throw new InvalidCommandException("limit", $"must be between 0 and {MaxLimit}, got {limit}");
        return this with { After = after, Limit = limit };
    }

    /// <summary>Checks the query against the table it runs on: a query naming a missing column, or with a value of the wrong kind, is a bug in its caller.</summary>
    internal void CheckAgainst(RecordTable table)
    {
        foreach (var condition in Conditions)
        {
            var column = table.Column(condition.Column);
            var fits = column.Kind == ColumnKind.Text ? condition.Value is string : condition.Value is long;
            if (!fits) throw new ArgumentException($"The column '{column.Name}' of '{table.Name}' holds {column.Kind}; a condition gave it a {condition.Value.GetType().Name}.");
        }
        if (OrderBy is not null) table.Column(OrderBy);
        if (OrderBy is not null && After is not null) throw new ArgumentException("A query ordered by a column returns its first page only; page in key order.");
    }
}
