namespace EventStore.Events;

/// <summary>
/// Gives a domain event its stable type name (for example <c>agent:spawned</c>) and its schema version. The name
/// is what the journal stores; renaming the CLR type never changes it, so old rows stay readable. Every row keeps
/// the schema version its payload was written at; rows of an older version are read through the type's
/// <see cref="EventUpcaster"/> chain, so a changed event needs a new version and one upcaster, never a rewrite of rows.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventTypeAttribute(string name) : Attribute
{
    /// <summary>The stable type name, unique across all event types.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// The version of the payload's current shape: 1 (the default) for a type that never changed; one more for
    /// each change of its JSON, with an upcaster from each earlier version. A type reached by renaming another
    /// continues that type's numbering.
    /// </summary>
    public int Version { get; init; } = 1;
}
