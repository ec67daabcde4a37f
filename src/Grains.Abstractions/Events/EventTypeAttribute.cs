namespace EventStore.Events;

/// <summary>
/// Gives a domain event its stable type name (for example <c>agent:spawned</c>). The name is what the
/// journal stores; renaming the CLR type never changes it, so old rows stay readable.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventTypeAttribute(string name) : Attribute
{
    /// <summary>The stable type name, unique across all event types.</summary>
    public string Name { get; } = name;
}
