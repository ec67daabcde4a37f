using System.Collections.Frozen;
using System.Reflection;
using EventStore.Events;

namespace EventStore.Journal;

/// <summary>
/// Maps stable event type names (<c>agent:spawned</c>) to CLR types and back. Built once from every
/// <see cref="IDomainEvent"/> carrying an <see cref="EventTypeAttribute"/> in the given assemblies.
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly FrozenDictionary<string, Type> _typesByName;
    private readonly FrozenDictionary<Type, string> _namesByType;

    /// <summary>Registers the event types of the given assemblies (the built-in events are always included).</summary>
    public EventTypeRegistry(IEnumerable<Assembly> assemblies)
    {
        var byName = new Dictionary<string, Type>(StringComparer.Ordinal);
        foreach (var type in assemblies.Append(typeof(IDomainEvent).Assembly).Distinct().SelectMany(a => a.GetTypes()))
        {
            if (type.GetCustomAttribute<EventTypeAttribute>() is not { } attribute) continue;
            if (!typeof(IDomainEvent).IsAssignableFrom(type))
                throw new InvalidOperationException($"{type.FullName} has [EventType(\"{attribute.Name}\")] but does not implement {nameof(IDomainEvent)}.");
            if (byName.TryGetValue(attribute.Name, out var existing) && existing != type)
                throw new InvalidOperationException($"Event type name '{attribute.Name}' is used by both {existing.FullName} and {type.FullName}.");
            byName[attribute.Name] = type;
        }
        _typesByName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _namesByType = byName.ToFrozenDictionary(kv => kv.Value, kv => kv.Key);
    }

    /// <summary>The registry of the built-in domain events only.</summary>
    public static EventTypeRegistry BuiltIn { get; } = new([]);

    /// <summary>Every registered type name.</summary>
    public IEnumerable<string> Names => _typesByName.Keys;

    /// <summary>The CLR type of a type name, if registered.</summary>
    public bool TryGetType(string name, out Type type) => _typesByName.TryGetValue(name, out type!);

    /// <summary>The type name of a payload's CLR type, if registered.</summary>
    public bool TryGetName(Type type, out string name) => _namesByType.TryGetValue(type, out name!);
}
