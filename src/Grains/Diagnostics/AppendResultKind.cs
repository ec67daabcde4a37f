using EventStore.Errors;

namespace EventStore.Diagnostics;

/// <summary>How an append ended, as the <c>outcome</c> tag of <see cref="EventStoreDiagnostics.Appends"/> says it.</summary>
internal enum AppendResultKind
{
    /// <summary>Its events are durable.</summary>
    Committed,

    /// <summary>Another writer kept winning the race for the stream (<see cref="ConcurrencyConflictException"/>).</summary>
    Conflict,

    /// <summary>A retry of an append already stored: answered with the original receipts, nothing written.</summary>
    Duplicate,

    /// <summary>Bad input or an impossible command: a typed error, nothing written.</summary>
    Refused,

    /// <summary>The journal could not commit (<see cref="JournalUnavailableException"/>, or any other fault): nothing acknowledged.</summary>
    Unavailable,
}

/// <summary>The tag values of <see cref="AppendResultKind"/>, made once, and the kind of a failure.</summary>
internal static class AppendResultKinds
{
    private static readonly KeyValuePair<string, object?>[] Tags =
        Enum.GetValues<AppendResultKind>().Select(k => new KeyValuePair<string, object?>("outcome", k.ToString().ToLowerInvariant())).ToArray();

    /// <summary>The <c>outcome</c> tag of <paramref name="kind"/>.</summary>
    public static KeyValuePair<string, object?> Tag(this AppendResultKind kind) => Tags[(int)kind];

    /// <summary>What a failed append's exception says about how it ended.</summary>
    public static AppendResultKind Of(Exception error) => error switch
    {
        ConcurrencyConflictException => AppendResultKind.Conflict,
        JournalUnavailableException => AppendResultKind.Unavailable,
        EventStoreException => AppendResultKind.Refused,
        _ => AppendResultKind.Unavailable,
    };
}
