using EventStore.Aggregates;
using Xunit.Sdk;

namespace EventStore.Tests.Infrastructure;

/// <summary>The journal checks themselves can fail: each invariant broken on purpose is caught.</summary>
public sealed class JournalAssertTests
{
    private static readonly JournalRow[] Rows = [Row(1, "e1", "a", 1), Row(2, "e2", "b", 1), Row(3, "e3", "a", 2)];

    [Fact]
    public void Consistent_rows_with_their_receipts_pass() =>
        JournalAssert.IsConsistent(Rows, [Receipt("e1", "a", 1, 1), Receipt("e2", "b", 1, 2), Receipt("e3", "a", 2, 3)]);

    [Fact]
    public void A_gap_in_versions_fails() =>
        Assert.ThrowsAny<XunitException>(() => JournalAssert.IsConsistent([Row(1, "e1", "a", 1), Row(2, "e2", "a", 3)]));

    [Fact]
    public void Versions_out_of_commit_order_fail() =>
        Assert.ThrowsAny<XunitException>(() => JournalAssert.IsConsistent([Row(1, "e1", "a", 2), Row(2, "e2", "a", 1)]));

    [Fact]
    public void An_acknowledged_event_missing_from_the_rows_fails() =>
        Assert.ThrowsAny<XunitException>(() => JournalAssert.IsConsistent(Rows, [Receipt("lost", "a", 3, 4)]));

    [Fact]
    public void An_acknowledged_event_at_another_position_or_version_fails()
    {
        Assert.ThrowsAny<XunitException>(() => JournalAssert.IsConsistent(Rows, [Receipt("e3", "a", 2, 4)]));
        Assert.ThrowsAny<XunitException>(() => JournalAssert.IsConsistent(Rows, [Receipt("e3", "a", 1, 3)]));
    }

    [Fact]
    public void An_event_id_present_twice_fails() =>
        Assert.ThrowsAny<XunitException>(() => JournalAssert.IsConsistent([.. Rows, Row(4, "e1", "c", 1)], [Receipt("e1", "a", 1, 1)]));

    private static JournalRow Row(long position, string id, string aggregate, long version) =>
        new(position, id, "test:note", aggregate, "test", version, 0, "test", "{}", null, null, null);

    private static EventReceipt Receipt(string id, string aggregate, long version, long position) => new(id, "test:note", aggregate, version, position);
}
