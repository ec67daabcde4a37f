using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Journal;

/// <summary>
/// A user grain whose view has no Orleans codec: its events are journaled like any other, it is simply
/// never snapshotted, and no call waits forever when the snapshot cannot be encoded.
/// </summary>
public abstract class UnsnapshottableViewTests(JournalCluster cluster)
{
    /// <summary>Only a hang detector: every call here takes milliseconds.</summary>
    private static readonly TimeSpan Hang = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task A_view_without_a_codec_is_not_snapshotted_and_its_250_conditional_events_survive_reactivation()
    {
        var id = Ids.New("uncoded");
        var grain = cluster.Client.GetGrain<IUncodedNoteGrain>(id);
        var texts = Enumerable.Range(0, 250).Select(i => $"n{i}").ToList();

        foreach (var text in texts) Assert.True(await grain.TryAdd(text).WaitAsync(Hang), $"'{text}' was not appended");

        Assert.Equal(texts, await grain.GetTexts().WaitAsync(Hang));
        Assert.Null(await cluster.Client.GetEventStore().GetSnapshot(id));
        await cluster.DeactivateAsync(grain);
        Assert.Equal(texts, await grain.GetTexts().WaitAsync(Hang));
        Assert.True(await grain.TryAdd("after").WaitAsync(Hang));
        Assert.Equal([.. texts, "after"], await grain.GetTexts().WaitAsync(Hang));
        Assert.Equal(251, cluster.Journal.Rows(id).Count);
    }

    [Fact]
    public async Task A_view_without_a_codec_takes_unconditional_events_past_the_snapshot_interval()
    {
        var id = Ids.New("uncoded");
        var grain = cluster.Client.GetGrain<IUncodedNoteGrain>(id);
        var texts = Enumerable.Range(0, 120).Select(i => $"u{i}").ToList();

        foreach (var text in texts) await grain.Add(text).WaitAsync(Hang);

        await cluster.DeactivateAsync(grain);
        Assert.Equal(texts, await grain.GetTexts().WaitAsync(Hang));
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class UnsnapshottableViewTests_Sqlite(JournalCluster cluster) : UnsnapshottableViewTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class UnsnapshottableViewTests_Postgres(PostgresJournalCluster cluster) : UnsnapshottableViewTests(cluster);
