using System.Text.Json;
using Orleans.Serialization;

namespace EventStore.LogConsistency;

/// <summary>
/// Encodes a grain's view for the <c>snapshots</c> table: Orleans' binary serialization in base64,
/// inside a small JSON object that also names the view's shape (its type and the fields of its object graph). A snapshot whose
/// shape differs from the running code's (the view class changed since) is not decoded at all.
/// </summary>
internal sealed class SnapshotCodec<TView>(Serializer serializer)
{
    /// <summary>The view type and a hash of its whole object graph's fields (see <see cref="ViewShape"/>).</summary>
    public static string Shape { get; } = ViewShape.Of(typeof(TView));

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

    private sealed record Envelope(string? Shape, string? Data);
}
