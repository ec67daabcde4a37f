using System.Globalization;

namespace EventStore.Cli.Output;

/// <summary>Times as a user types them on the command line: Unix milliseconds, or an ISO 8601 time (UTC unless it says otherwise).</summary>
internal static class CliTime
{
    /// <summary>
    /// <paramref name="text"/> as Unix milliseconds; null stays null. Throws a <see cref="CliException"/> (exit code 2) naming
    /// <paramref name="option"/> when the text is neither a whole number nor a date and time.
    /// </summary>
    public static long? Parse(string option, string? text)
    {
        if (text is null) return null;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var milliseconds)) return milliseconds;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var time))
            return time.ToUnixTimeMilliseconds();
        throw CliException.BadArguments(
            $"{option}: '{text}' is not a time; give Unix milliseconds (1764237600000) or an ISO 8601 time (2025-11-27T10:00:00Z).");
    }
}
