using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace EventStore.LogConsistency;

/// <summary>
/// The shape of a view's whole object graph: the fields of the view, of the types of its fields, of
/// their generic arguments and element types, recursively. Types are named by namespace and name only
/// (never by assembly or version), so the shape is the same in every build and process of the same code.
/// </summary>
internal static class ViewShape
{
    /// <summary>The view's type name and a hash of <see cref="Describe"/>.</summary>
    public static string Of(Type view)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(Describe(view)));
        return $"{view.Name}#{Convert.ToHexStringLower(hash)[..16]}";
    }

    /// <summary>
    /// One line per type of the graph whose fields count, <c>Type{declaring.field:FieldType;…}</c>, sorted.
    /// The base class library's types (primitives, strings, times, collections…), enums, interfaces and
    /// <c>object</c> are leaves: only their names count (and their generic arguments are followed).
    /// </summary>
    public static string Describe(Type view)
    {
        var described = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<Type>([view]);
        while (queue.TryDequeue(out var type))
        {
            if (type.HasElementType)
            {
                queue.Enqueue(type.GetElementType()!);
                continue;
            }
            if (type.IsGenericType)
                foreach (var argument in type.GetGenericArguments()) queue.Enqueue(argument);
            var name = NameOf(type);
            if (IsLeaf(type) || described.ContainsKey(name)) continue;

            var fields = new List<string>();
            for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
                foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    fields.Add($"{t.Name}.{field.Name}:{NameOf(field.FieldType)}");
                    queue.Enqueue(field.FieldType);
                }
            fields.Sort(StringComparer.Ordinal);
            described[name] = string.Join(';', fields);
        }
        return string.Join('\n', described.Select(d => $"{d.Key}{{{d.Value}}}"));
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type.IsInterface || type.IsPointer || type.IsGenericParameter || type == typeof(object)
        || type.Namespace is "System" || type.Namespace?.StartsWith("System.", StringComparison.Ordinal) == true;

    /// <summary>Namespace, declaring types and name, with generic arguments and array ranks spelled out the same way.</summary>
    private static string NameOf(Type type)
    {
        if (type.IsArray) return $"{NameOf(type.GetElementType()!)}[{new string(',', type.GetArrayRank() - 1)}]";
        if (type.HasElementType) return NameOf(type.GetElementType()!) + (type.IsPointer ? "*" : "&");
        if (type.IsGenericParameter) return type.Name;
        var name = type.IsNested ? $"{NameOf(type.DeclaringType!)}+{type.Name}" : type.Namespace is { } ns ? $"{ns}.{type.Name}" : type.Name;
        return type.IsGenericType && !type.IsGenericTypeDefinition
            ? $"{name}[{string.Join(',', type.GetGenericArguments().Select(NameOf))}]"
            : name;
    }
}
