using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Orleans.Serialization;

namespace EventStore.LogConsistency;

/// <summary>
/// Encodes a grain's view for the <c>snapshots</c> table: Orleans' binary serialization in base64,
/// inside a small JSON object that also names the view's shape (its type and fields). A snapshot whose
/// shape differs from the running code's (the view class changed since) is not decoded at all.
/// </summary>
internal sealed class SnapshotCodec<TView>(Serializer serializer)
{
    /// <summary>The view type and a hash of its fields, names and types.</summary>
    public static string Shape { get; } = ComputeShape(typeof(TView));

    private static int _encodeFailureReported;

    /// <summary>True the first time it is called for this view type: encode failures are reported once per type, not per activation.</summary>
    public static bool FirstEncodeFailure() => Interlocked.Exchange(ref _encodeFailureReported, 1) == 0;

    public string Encode(TView view) =>
        JsonSerializer.Serialize(new Envelope(Shape, Convert.ToBase64String(serializer.SerializeToArray(view))));

    /// <summary>The view stored in <paramref name="state"/>, or null with the reason it cannot be used.</summary>
    public (TView? View, string? Problem) TryDecode(string state)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(state);
            if (envelope?.Shape is null || envelope.Data is null) return (default, "it is not a snapshot envelope");
            if (envelope.Shape != Shape) return (default, $"it has the state shape '{envelope.Shape}', but the code has '{Shape}'");
            return (serializer.Deserialize<TView>(Convert.FromBase64String(envelope.Data)), null);
        }
        catch (Exception ex)
        {
            return (default, $"it cannot be decoded: {ex.Message}");
        }
    }

    private static string ComputeShape(Type type)
    {
        var fields = new List<string>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType)
            fields.AddRange(t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .Select(f => $"{t.Name}.{f.Name}:{f.FieldType.FullName}"));
        fields.Sort(StringComparer.Ordinal);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', fields)));
        return $"{type.Name}#{Convert.ToHexStringLower(hash)[..16]}";
    }

    private sealed record Envelope(string? Shape, string? Data);
}
