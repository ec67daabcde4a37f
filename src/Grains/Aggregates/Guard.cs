using EventStore.Errors;

namespace EventStore.Aggregates;

/// <summary>Argument checks shared by the aggregates; each failure names the argument and the problem.</summary>
internal static class Guard
{
    /// <summary>An id: not empty, no surrounding white space, at most <paramref name="maxLength"/> characters.</summary>
    public static string Id(string? value, string argument, int maxLength)
    {
        if (value is null) throw new InvalidCommandException(argument, "must not be null");
        if (string.IsNullOrWhiteSpace(value)) throw new InvalidCommandException(argument, "must not be empty or white space");
        if (value.Trim().Length != value.Length) throw new InvalidCommandException(argument, $"must not start or end with white space ('{value}')");
        if (value.Length > maxLength) throw new InvalidCommandException(argument, $"is {value.Length} characters long, over the limit of {maxLength}");
        return value;
    }

    /// <summary>An optional id: null, or a valid <see cref="Id"/>.</summary>
    public static string? OptionalId(string? value, string argument, int maxLength) =>
        value is null ? null : Id(value, argument, maxLength);

    /// <summary>Text that may be empty but not null.</summary>
    public static string NotNull(string? value, string argument) =>
        value ?? throw new InvalidCommandException(argument, "must not be null");

    /// <summary>Required free text: not null, not blank. Its size is bounded by the payload limit.</summary>
    public static string Text(string? value, string argument)
    {
        if (value is null) throw new InvalidCommandException(argument, "must not be null");
        if (string.IsNullOrWhiteSpace(value)) throw new InvalidCommandException(argument, "must not be empty or white space");
        return value;
    }

    /// <summary>A list of ids: not null, each a valid id, no duplicates; optionally not empty.</summary>
    public static string[] Ids(IReadOnlyList<string>? values, string argument, int maxLength, bool allowEmpty = true)
    {
        if (values is null) throw new InvalidCommandException(argument, "must not be null");
        if (!allowEmpty && values.Count == 0) throw new InvalidCommandException(argument, "must not be empty");
        for (var i = 0; i < values.Count; i++) Id(values[i], $"{argument}[{i}]", maxLength);
        if (values.Distinct(StringComparer.Ordinal).Count() != values.Count) throw new InvalidCommandException(argument, "must not contain duplicates");
        return [.. values];
    }

    /// <summary>A string map: not null, keys valid ids, values not null.</summary>
    public static Dictionary<string, TValue> Map<TValue>(IReadOnlyDictionary<string, TValue>? values, string argument, int maxLength)
    {
        if (values is null) throw new InvalidCommandException(argument, "must not be null");
        foreach (var (key, value) in values)
        {
            Id(key, $"{argument} key", maxLength);
            if (value is null) throw new InvalidCommandException($"{argument}[{key}]", "must not be null");
        }
        return values.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
    }

    /// <summary>A named enum value.</summary>
    public static T Defined<T>(T value, string argument) where T : struct, Enum =>
        Enum.IsDefined(value) ? value : throw new InvalidCommandException(argument, $"{value} is not a valid {typeof(T).Name}");

    /// <summary>A number within [min, max].</summary>
    public static long InRange(long value, string argument, long min, long max) =>
        value >= min && value <= max ? value : throw new InvalidCommandException(argument, $"is {value}, outside {min}..{max}");

    /// <summary>A time span above zero and at most <paramref name="max"/>.</summary>
    public static TimeSpan Positive(TimeSpan value, string argument, TimeSpan max) =>
        value > TimeSpan.Zero && value <= max ? value : throw new InvalidCommandException(argument, $"is {value}, outside (0, {max}]");
}
