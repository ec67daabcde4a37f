using System.Collections.Frozen;
using System.Text.Json.Nodes;
using EventStore.Events;

namespace EventStore.Upcasting;

/// <summary>
/// The registered <see cref="EventUpcaster"/>s, checked once: every upcaster leads, one step after the other, to the
/// current version of a registered type; no two read one (type, version); no chain loops; and every registered type
/// at a version above 1 is reached from a version 1. A failure names the type and version. Applied only to payloads
/// read below their type's current version (or under a former name), never to rows at the current one.
/// </summary>
internal sealed class UpcasterChains
{
    private readonly FrozenDictionary<(string Type, int Version), EventUpcaster> _byStart;
    private readonly FrozenDictionary<string, string[]> _storedNames;
    private readonly FrozenDictionary<string, string[]> _formerNames;

    /// <summary>Checks <paramref name="upcasters"/> against the registered types and their current versions.</summary>
    /// <exception cref="InvalidOperationException">An upcaster or a chain is wrong; the message names the type and version.</exception>
    public UpcasterChains(IReadOnlyDictionary<string, int> currentVersions, IEnumerable<EventUpcaster> upcasters)
    {
        var byStart = new Dictionary<(string, int), EventUpcaster>();
        foreach (var upcaster in upcasters)
        {
            CheckOne(upcaster, currentVersions);
            if (byStart.TryGetValue((upcaster.EventType, upcaster.FromVersion), out var other))
                throw new InvalidOperationException($"Two upcasters read version {upcaster.FromVersion} of event type '{upcaster.EventType}': {other} and {upcaster}.");
            byStart[(upcaster.EventType, upcaster.FromVersion)] = upcaster;
        }
        var storedNames = currentVersions.Keys.ToDictionary(name => name, name => new SortedSet<string>(StringComparer.Ordinal) { name }, StringComparer.Ordinal);
        foreach (var upcaster in byStart.Values)
            storedNames[FollowToCurrent(upcaster, byStart, currentVersions)].Add(upcaster.EventType);
        foreach (var (name, version) in currentVersions)
            if (version > 1) CheckReachedFromVersionOne(name, version, byStart.Values);
        _byStart = byStart.ToFrozenDictionary();
        _storedNames = storedNames.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
        var formerNames = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var (current, names) in _storedNames)
            foreach (var name in names.Where(n => n != current))
                (formerNames.TryGetValue(name, out var set) ? set : formerNames[name] = new SortedSet<string>(StringComparer.Ordinal)).UnionWith(names);
        _formerNames = formerNames.ToFrozenDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <summary>True if an upcaster reads <paramref name="type"/> at <paramref name="version"/>.</summary>
    public bool Reads(string type, int version) => _byStart.ContainsKey((type, version));

    /// <summary>
    /// Takes a payload of <paramref name="type"/> at <paramref name="version"/> through its chain to the current
    /// version; returns the current type name and the payload. Throws what an upcaster throws, wrapped in an
    /// <see cref="EventUpcastException"/> naming it.
    /// </summary>
    public (string Type, JsonObject Payload) Upcast(string type, int version, JsonObject payload)
    {
        while (_byStart.TryGetValue((type, version), out var upcaster))
        {
            try
            {
                payload = upcaster.Upcast(payload) ?? throw new InvalidOperationException("it returned null");
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                throw new EventUpcastException($"upcasting version {version} of '{type}' failed in {upcaster}: {ex.Message}", ex);
            }
            (type, version) = (upcaster.ToEventType, upcaster.ToVersion);
        }
        return (type, payload);
    }

    /// <summary>
    /// Every name rows of the same current type may be stored under: a registered name with its former names (those
    /// of upcasters that lead to it), a former name with the names of the type it became, any other name alone.
    /// </summary>
    public IReadOnlyList<string> StoredNamesOf(string name) =>
        _storedNames.TryGetValue(name, out var names) ? names : _formerNames.TryGetValue(name, out var former) ? former : [name];

    private static void CheckOne(EventUpcaster upcaster, IReadOnlyDictionary<string, int> currentVersions)
    {
        if (string.IsNullOrWhiteSpace(upcaster.EventType) || string.IsNullOrWhiteSpace(upcaster.ToEventType))
            throw new InvalidOperationException($"{upcaster.GetType().FullName} names no event type.");
        if (upcaster.FromVersion < 1)
            throw new InvalidOperationException($"{upcaster} reads version {upcaster.FromVersion} of '{upcaster.EventType}'; versions start at 1.");
        if (upcaster.ToVersion < upcaster.FromVersion || (upcaster.ToVersion == upcaster.FromVersion && upcaster.ToEventType == upcaster.EventType))
            throw new InvalidOperationException(
                $"{upcaster} must lead to a later version of '{upcaster.EventType}' than {upcaster.FromVersion}; only a renaming may keep the version.");
        if (currentVersions.TryGetValue(upcaster.EventType, out var current) && upcaster.FromVersion >= current)
            throw new InvalidOperationException(
                $"{upcaster} reads version {upcaster.FromVersion} of '{upcaster.EventType}', but that type is registered at version {current}: upcasters read older versions only.");
    }

    /// <summary>Follows the chain from an upcaster's result to a registered type's current version; returns that type's name.</summary>
    private static string FollowToCurrent(EventUpcaster first, Dictionary<(string, int), EventUpcaster> byStart, IReadOnlyDictionary<string, int> currentVersions)
    {
        var seen = new HashSet<(string, int)> { (first.EventType, first.FromVersion) };
        var (type, version) = (first.ToEventType, first.ToVersion);
        while (true)
        {
            if (currentVersions.TryGetValue(type, out var current) && version == current) return type;
            if (current > 0 && version > current)
                throw new InvalidOperationException($"The chain from version {first.FromVersion} of '{first.EventType}' leads to version {version} of '{type}', but that type is registered at version {current}.");
            if (!seen.Add((type, version)))
                throw new InvalidOperationException($"The upcasters from version {first.FromVersion} of '{first.EventType}' form a cycle through version {version} of '{type}'.");
            if (!byStart.TryGetValue((type, version), out var next))
                throw new InvalidOperationException(current > 0
                    ? $"No upcaster reads version {version} of event type '{type}' (registered at version {current}), reached from version {first.FromVersion} of '{first.EventType}'."
                    : $"The chain from version {first.FromVersion} of '{first.EventType}' leads to version {version} of '{type}', which is neither a registered event type nor read by an upcaster.");
            (type, version) = (next.ToEventType, next.ToVersion);
        }
    }

    /// <summary>A registered type at <paramref name="current"/> &gt; 1 must be reached from a version 1 (of its own name or a former one).</summary>
    private static void CheckReachedFromVersionOne(string name, int current, IEnumerable<EventUpcaster> upcasters)
    {
        var leadingTo = upcasters.ToLookup(u => (u.ToEventType, u.ToVersion));
        var lowest = current;
        var pending = new Stack<(string Type, int Version)>([(name, current)]);
        var seen = new HashSet<(string, int)>();
        while (pending.TryPop(out var node))
        {
            if (!seen.Add(node)) continue;
            if (node.Version == 1) return;
            if (node.Type == name) lowest = Math.Min(lowest, node.Version);
            foreach (var upcaster in leadingTo[node]) pending.Push((upcaster.EventType, upcaster.FromVersion));
        }
        throw new InvalidOperationException(
            $"Event type '{name}' is at version {current}, but no upcaster leads to its version {lowest} from version {lowest - 1}: every version from 1 to {current} needs a chain of upcasters.");
    }
}
