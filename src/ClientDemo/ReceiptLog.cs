using EventStore.Aggregates;

namespace EventStore.ClientDemo;

/// <summary>
/// Prints one line per acknowledged command, counts the appended events by type, and hands out the
/// <see cref="CommandContext"/> of the next command: the run's correlation id, and the previous
/// receipt's event id as causation id, so the run forms one causal chain in the journal.
/// </summary>
internal sealed class ReceiptLog(string correlationId, IReadOnlyDictionary<string, string> metadata, TextWriter output)
{
    private readonly Dictionary<string, int> _countsByType = new(StringComparer.Ordinal);
    private readonly List<EventReceipt> _receipts = [];

    /// <summary>Every receipt, in the order the commands were acknowledged.</summary>
    public IReadOnlyList<EventReceipt> Receipts => _receipts;

    /// <summary>Events appended so far.</summary>
    public int Count { get; private set; }

    /// <summary>The last receipt, if any.</summary>
    public EventReceipt? Last { get; private set; }

    /// <summary>How many events of a type were appended.</summary>
    public int CountOf(string eventType) => _countsByType.GetValueOrDefault(eventType);

    /// <summary>The context for the next command, optionally naming who acts.</summary>
    public CommandContext Next(string? source = null) => new()
    {
        CorrelationId = correlationId,
        CausationId = Last?.EventId,
        Source = source,
        Metadata = metadata,
    };

    /// <summary>Awaits a command, prints its receipt with a short note, and counts it.</summary>
    public async Task<EventReceipt> Record(Task<EventReceipt> command, string note)
    {
        var receipt = await command;
        Count++;
        _countsByType[receipt.EventType] = CountOf(receipt.EventType) + 1;
        Last = receipt;
        _receipts.Add(receipt);
        output.WriteLine(
            $"  {Count,3}  {receipt.EventType,-23} {receipt.AggregateId,-30} v{receipt.Version,-3} pos {receipt.Position,-7} {note}");
        return receipt;
    }
}
