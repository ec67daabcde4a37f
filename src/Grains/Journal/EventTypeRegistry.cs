using System.Collections.Frozen;
using System.Reflection;
using EventStore.Events;
using EventStore.Upcasting;

namespace EventStore.Journal;

/// <summary>
/// Maps stable event type names (<c>agent:spawned</c>) to CLR types and back, with each type's current schema
/// version and the upcasters that bring older versions to it. Built once from every <see cref="IDomainEvent"/>
/// carrying an <see cref="EventTypeAttribute"/>, and every <see cref="EventUpcaster"/> with a public parameterless
/// constructor, in the given assemblies; the upcaster chains are checked here (see <see cref="UpcasterChains"/>).
/// </summary>
public sealed class EventTypeRegistry
{
    private readonly FrozenDictionary<string, (Type Type, int Version)> _typesByName;
    private readonly FrozenDictionary<Type, string> _namesByType;

    /// <summary>Registers the event types and upcasters of the given assemblies (the built-in events are always included).</summary>
    /// <exception cref="InvalidOperationException">A type or upcaster is wrong; the message names it.</exception>
    public EventTypeRegistry(IEnumerable<Assembly> assemblies)
        : this(assemblies.Distinct().SelectMany(a => a.GetTypes()).ToArray(), upcasters: null)
    {
    }

    /// <summary>Registers the given event types (with the built-in events) and upcasters; null upcasters: those among <paramref name="types"/>.</summary>
    internal EventTypeRegistry(IReadOnlyCollection<Type> types, IEnumerable<EventUpcaster>? upcasters)
    {
        var byName = new Dictionary<string, (Type Type, int Version)>(StringComparer.Ordinal);
        foreach (var type in types.Concat(typeof(IDomainEvent).Assembly.GetTypes()).Distinct())
        {
            if (type.GetCustomAttribute<EventTypeAttribute>() is not { } attribute) continue;
            if (!typeof(IDomainEvent).IsAssignableFrom(type))
                throw new InvalidOperationException($"{type.FullName} has [EventType(\"{attribute.Name}\")] but does not implement {nameof(IDomainEvent)}.");
            if (attribute.Version < 1)
                throw new InvalidOperationException($"{type.FullName} has [EventType(\"{attribute.Name}\", Version = {attribute.Version})]; versions start at 1.");
            if (byName.TryGetValue(attribute.Name, out var existing) && existing.Type != type)
                throw new InvalidOperationException($"Event type name '{attribute.Name}' is used by both {existing.Type.FullName} and {type.FullName}.");
            byName[attribute.Name] = (type, attribute.Version);
        }
        _typesByName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _namesByType = byName.ToFrozenDictionary(kv => kv.Value.Type, kv => kv.Key);
        Upcasters = new UpcasterChains(byName.ToDictionary(kv => kv.Key, kv => kv.Value.Version, StringComparer.Ordinal), upcasters ?? DiscoverUpcasters(types));
    }

    /// <summary>The registry of the built-in domain events only.</summary>
    public static EventTypeRegistry BuiltIn { get; } = new([]);

    /// <summary>Every registered type name.</summary>
    public IEnumerable<string> Names => _typesByName.Keys;

    /// <summary>The checked upcaster chains.</summary>
    internal UpcasterChains Upcasters { get; }

    /// <summary>The CLR type of a type name, if registered.</summary>
    public bool TryGetType(string name, out Type type)
    {
        var found = _typesByName.TryGetValue(name, out var entry);
        type = entry.Type;
        return found;
    }

    /// <summary>The CLR type and current schema version of a type name, if registered.</summary>
    internal bool TryGetType(string name, out Type type, out int version)
    {
        var found = _typesByName.TryGetValue(name, out var entry);
        (type, version) = entry;
        return found;
    }

    /// <summary>The type name of a payload's CLR type, if registered.</summary>
    public bool TryGetName(Type type, out string name) => _namesByType.TryGetValue(type, out name!);

    /// <summary>The current schema version of a registered type name (1 for a name that is not registered).</summary>
    public int CurrentVersion(string name) => _typesByName.TryGetValue(name, out var entry) ? entry.Version : 1;

    /// <summary>Every concrete <see cref="EventUpcaster"/> with a public parameterless constructor, one instance each.</summary>
    private static IEnumerable<EventUpcaster> DiscoverUpcasters(IEnumerable<Type> types) =>
        types.Where(t => typeof(EventUpcaster).IsAssignableFrom(t) && !t.IsAbstract && !t.ContainsGenericParameters && t.GetConstructor(Type.EmptyTypes) is not null)
            .Select(t => (EventUpcaster)Activator.CreateInstance(t)!)
            .ToList();
}
