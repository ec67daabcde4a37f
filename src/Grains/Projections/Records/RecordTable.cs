using System.Text.RegularExpressions;

namespace EventStore.Projections;

/// <summary>What a column of a record table holds.</summary>
public enum ColumnKind
{
    /// <summary>Text, compared by ordinal.</summary>
    Text,

    /// <summary>A 64-bit integer (counts, Unix-millisecond times, flags).</summary>
    Integer,
}

/// <summary>A column of a record table: a value taken from every record and indexed, so that queries filter and sort by it.</summary>
/// <param name="Name">The column's name: lower-case letters, digits and underscores, starting with a letter.</param>
/// <param name="Kind">What it holds.</param>
public sealed record RecordColumn(string Name, ColumnKind Kind);

/// <summary>
/// One table of a projection's read model: records of one type, each stored on its own under a key (as
/// JSON), with the columns queries use. A projection writes only the records an event changes, and a
/// query reads only the records it returns, through the columns' indexes.
/// </summary>
public abstract partial class RecordTable
{
    private readonly List<RecordColumn> _columns = [];

    /// <summary>Declares a table named <paramref name="name"/> (lower-case letters, digits, underscores; unique within its projection).</summary>
    private protected RecordTable(string name)
    {
        Name = CheckName(name, "table");
    }

    /// <summary>The table's name within its projection.</summary>
    public string Name { get; }

    /// <summary>Its indexed columns, besides the key.</summary>
    public IReadOnlyList<RecordColumn> Columns => _columns;

    /// <summary>The records' type.</summary>
    internal abstract Type RecordType { get; }

    /// <summary>The value of each column for <paramref name="record"/>, in <see cref="Columns"/> order (string, long or null).</summary>
    internal abstract object?[] ColumnValues(object record);

    /// <summary>The column named <paramref name="name"/>; throws if the table has none.</summary>
    internal RecordColumn Column(string name) =>
        _columns.Find(c => c.Name == name) ?? throw new ArgumentException($"The table '{Name}' has no column '{name}'; it has {string.Join(", ", _columns.Select(c => c.Name))}.");

    private protected void AddColumn(RecordColumn column)
    {
        CheckName(column.Name, "column");
        if (column.Name is "key" or "doc" || _columns.Exists(c => c.Name == column.Name))
            throw new ArgumentException($"The table '{Name}' cannot have a column named '{column.Name}': the name is taken.");
        _columns.Add(column);
    }

    /// <summary>Names go into SQL as identifiers, so only plain ones are allowed.</summary>
    internal static string CheckName(string name, string what) =>
        PlainName().IsMatch(name) ? name : throw new ArgumentException($"The {what} name '{name}' must be 1-30 lower-case letters, digits or underscores, starting with a letter.");

    [GeneratedRegex("^[a-z][a-z0-9_]{0,29}$")]
    private static partial Regex PlainName();
}

/// <summary>A table of records of type <typeparamref name="TRecord"/>; declare its columns with <see cref="WithText"/> and <see cref="WithInteger"/>.</summary>
/// <typeparam name="TRecord">The records' type, stored as JSON with the journal's settings (camelCase, enums as kebab-case text).</typeparam>
public sealed class RecordTable<TRecord> : RecordTable where TRecord : class
{
    private readonly List<Func<TRecord, object?>> _values = [];

    /// <summary>Declares a table named <paramref name="name"/>.</summary>
    public RecordTable(string name) : base(name)
    {
    }

    /// <inheritdoc />
    internal override Type RecordType => typeof(TRecord);

    /// <summary>Adds a text column whose value for a record is <paramref name="value"/>(record).</summary>
    public RecordTable<TRecord> WithText(string column, Func<TRecord, string?> value)
    {
        AddColumn(new RecordColumn(column, ColumnKind.Text));
        _values.Add(value);
        return this;
    }

    /// <summary>Adds an integer column whose value for a record is <paramref name="value"/>(record).</summary>
    public RecordTable<TRecord> WithInteger(string column, Func<TRecord, long?> value)
    {
        AddColumn(new RecordColumn(column, ColumnKind.Integer));
        _values.Add(r => value(r));
        return this;
    }

    /// <inheritdoc />
    internal override object?[] ColumnValues(object record)
    {
        var typed = (TRecord)record;
        var values = new object?[_values.Count];
        for (var i = 0; i < values.Length; i++) values[i] = _values[i](typed);
        return values;
    }
}
