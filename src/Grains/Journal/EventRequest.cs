using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using EventStore.Errors;
using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// What a caller asked for under a caller-chosen event id, and the one rule (for the event store's append
/// and for aggregate commands alike) that decides whether the event already stored under that id answers
/// it: a retry of the same request gets the stored event's receipt; anything else is refused.
/// </summary>
/// <remarks>
/// A request is identified by its <see cref="Fingerprint"/>, stored with the event (column <c>request</c>):
/// for an append, a hash of the event type and the payload JSON; for an aggregate command, a hash of the
/// event type and the command's caller-given arguments (not the payload, whose times and counts the grain
/// derives anew on every try). The stored event answers the request if it is in the same aggregate with the
/// same type and either the fingerprints are equal or the payloads are identical. Rows written before
/// fingerprints were stored have none: an append is then compared by payload (as it always was), and a
/// command by aggregate and type only, which is all that such a row can tell.
/// </remarks>
/// <param name="EventId">The caller's event id.</param>
/// <param name="AggregateId">The aggregate the request is for.</param>
/// <param name="AggregateType">Its aggregate type.</param>
/// <param name="Type">The event type the request produces.</param>
/// <param name="Fingerprint">From <see cref="OfPayload"/> or <see cref="OfCommand"/>.</param>
/// <param name="PayloadJson">The payload the request produces, when known.</param>
internal sealed record EventRequest(string EventId, string AggregateId, string AggregateType, string Type, string Fingerprint, string? PayloadJson)
{
    private const string PayloadKind = "p:";
    private const string CommandKind = "c:";

    /// <summary>Any argument value is fingerprinted, even one the command goes on to refuse (NaN, say).</summary>
    private static readonly JsonSerializerOptions ArgumentsJsonOptions = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The request of an event prepared for an append (see <see cref="EventJournal.Prepare"/>).</summary>
    public static EventRequest Of(UnwrittenEvent e) =>
        new(e.Id, e.AggregateId, e.AggregateType, e.Type, e.Request ?? OfPayload(e.Type, e.PayloadJson), e.PayloadJson);

    /// <summary>A command's caller-given arguments as JSON, for <see cref="OfCommand"/>.</summary>
    public static string ArgumentsJson(object?[] arguments) => JsonSerializer.Serialize(arguments, ArgumentsJsonOptions);

    /// <summary>The fingerprint of an append: its event type and payload JSON.</summary>
    public static string OfPayload(string type, string payloadJson) => PayloadKind + Hash(type, payloadJson);

    /// <summary>The fingerprint of an aggregate command: its event type and its caller-given arguments, as JSON.</summary>
    public static string OfCommand(string type, string argumentsJson) => CommandKind + Hash(type, argumentsJson);

    /// <summary>True if <paramref name="stored"/> (the event with this id) answers this request; throws if it is another request's.</summary>
    /// <exception cref="DuplicateEventIdException">The id is taken by a different event.</exception>
    public bool IsAnsweredBy(StoredEvent stored)
    {
        var e = stored.Envelope;
        if (e.AggregateId != AggregateId || e.AggregateType != AggregateType || e.Type != Type)
            throw new DuplicateEventIdException(EventId, $"it is the {e.Type} event at version {e.Version} of {e.AggregateType} '{e.AggregateId}'");
        var samePayload = PayloadJson is not null && PayloadJson == stored.PayloadJson;
        var same = stored.Fingerprint is { } fingerprint
            ? fingerprint == Fingerprint || samePayload
            : samePayload || Fingerprint.StartsWith(CommandKind, StringComparison.Ordinal);
        return same ? true : throw new DuplicateEventIdException(EventId,
            $"it is already the {e.Type} event at version {e.Version} of {e.AggregateType} '{e.AggregateId}', asked for with other content");
    }

    private static string Hash(string type, string content) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{type}\n{content}")))[..32];
}

/// <summary>
/// An event as stored, with its payload's JSON and the fingerprint of the request that wrote it (null on older rows).
/// For a row read through upcasters, <paramref name="PayloadJson"/> is the upcast payload as the current code serializes it,
/// so that an append retried by the current code still finds its payload (the stored fingerprint hashes the old shape).
/// </summary>
internal sealed record StoredEvent(EventEnvelope Envelope, string PayloadJson, string? Fingerprint)
{
    /// <summary>The receipt its writer was given.</summary>
    public Aggregates.EventReceipt Receipt => new(Envelope.Id, Envelope.Type, Envelope.AggregateId, Envelope.Version, Envelope.Position);
}
