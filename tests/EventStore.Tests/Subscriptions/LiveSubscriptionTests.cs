using EventStore.Events;
using EventStore.Store;
using EventStore.Subscriptions;
using EventStore.Tests.Infrastructure;
using EventStore.Tests.Store;
using static EventStore.Tests.Subscriptions.SubscriptionTestKit;

namespace EventStore.Tests.Subscriptions;

/// <summary>
/// Live subscriptions against the journal's own rows: catch-up then live, in position order, with no gap and no
/// duplicate, whatever the writers do and however the subscriber reads. Each test writes aggregates of types of its
/// own and subscribes to those types, so tests sharing the cluster never see each other's events.
/// </summary>
public abstract class LiveSubscriptionTests(SubscriptionCluster cluster)
{
    private const string Milestone = "swarm:milestone-reached";

    [Fact]
    public async Task Subscribers_from_the_start_the_middle_and_now_each_see_exactly_the_journals_order_while_many_writers_append()
    {
        using var guard = new CancellationTokenSource(Guard);
        var kind = StoreTestKit.Kind("sub");
        await WriteSequentially(cluster.Client, kind, 20);
        var history = cluster.RowsOfKinds(kind);
        var middle = history[9].Position;
        var only = SubscriptionRequest.FromStart() with { AggregateTypes = [kind] };

        var fromStart = Task.Run(() => CollectUntilEnd(cluster.Client.SubscribeToEvents(only, guard.Token), kind, guard.Token));
        var fromMiddle = Task.Run(() => CollectUntilEnd(cluster.Client.SubscribeToEvents(only with { AfterPosition = middle }, guard.Token), kind, guard.Token));
        var fromNow = Task.Run(() => CollectUntilEnd(cluster.Client.SubscribeToEvents(SubscriptionRequest.FromNow() with { AggregateTypes = [kind] }, guard.Token),
            kind, guard.Token));
        await WriteConcurrently(cluster.Client, kind, writers: 6, appendsEach: 40);
        await WriteEnd(cluster.Client, kind);

        var rows = cluster.RowsOfKinds(kind);
        Assert.Equal(rows.Keys(), (await fromStart).Keys());
        Assert.Equal(rows.Where(r => r.Position > middle).Keys(), (await fromMiddle).Keys());
        var now = (await fromNow).Keys();
        Assert.Equal(rows.Keys().TakeLast(now.Count), now); // a tail of the journal, without a gap…
        Assert.DoesNotContain(now, e => history.Any(h => h.Id == e.Id)); // …that starts after what was there before it subscribed
    }

    [Fact]
    public async Task A_subscriber_that_disconnects_and_resumes_from_its_last_position_sees_no_gap_and_no_duplicate()
    {
        using var guard = new CancellationTokenSource(Guard);
        var kind = StoreTestKit.Kind("sub");
        await WriteSequentially(cluster.Client, kind, 30);
        var request = SubscriptionRequest.FromStart() with { AggregateTypes = [kind] };

        var writers = WriteConcurrently(cluster.Client, kind, writers: 4, appendsEach: 30);
        var first = await Take(cluster.Client.NewSubscription().Subscribe(request, guard.Token), 25, guard.Token); // then disposed: a disconnect
        var resumed = Task.Run(() => CollectUntilEnd(cluster.Client.NewSubscription().Subscribe(request with { AfterPosition = first[^1].Position }, guard.Token),
            kind, guard.Token));
        await writers;
        await WriteEnd(cluster.Client, kind);

        Assert.Equal(25, first.Count);
        Assert.Equal(cluster.RowsOfKinds(kind).Keys(), first.Concat(await resumed).Keys());
    }

    [Fact]
    public async Task A_slow_subscriber_sees_every_event_in_the_journals_order_while_writers_race_ahead()
    {
        using var guard = new CancellationTokenSource(Guard);
        var kind = StoreTestKit.Kind("sub");
        var request = SubscriptionRequest.FromStart() with { AggregateTypes = [kind] };

        var slow = Task.Run(() => CollectUntilEnd(cluster.Client.SubscribeToEvents(request, guard.Token), kind, guard.Token, slowness: TimeSpan.FromMilliseconds(2)));
        await WriteConcurrently(cluster.Client, kind, writers: 8, appendsEach: 30);
        await WriteEnd(cluster.Client, kind);

        Assert.Equal(cluster.RowsOfKinds(kind).Keys(), (await slow).Keys());
    }

    [Fact]
    public async Task A_caught_up_subscriber_receives_the_events_committed_after_it_caught_up()
    {
        using var guard = new CancellationTokenSource(Guard);
        var kind = StoreTestKit.Kind("sub");
        await WriteSequentially(cluster.Client, kind, 3);
        await using var events = cluster.Client.NewSubscription().Subscribe(SubscriptionRequest.FromStart() with { AggregateTypes = [kind] }, guard.Token)
            .GetAsyncEnumerator(guard.Token);
        var seen = new List<EventEnvelope>();
        for (var i = 0; i < 3; i++)
        {
            Assert.True(await events.MoveNextAsync());
            seen.Add(events.Current);
        }

        var next = events.MoveNextAsync().AsTask(); // caught up: waits for a commit
        await WriteSequentially(cluster.Client, kind, 2);
        Assert.True(await next);
        seen.Add(events.Current);
        Assert.True(await events.MoveNextAsync());
        seen.Add(events.Current);

        Assert.Equal(cluster.RowsOfKinds(kind).Keys(), seen.Keys());
    }

    [Fact]
    public async Task Filters_deliver_only_the_requested_aggregate_types_and_event_types_in_the_journals_order()
    {
        using var guard = new CancellationTokenSource(Guard);
        var (one, other) = (StoreTestKit.Kind("sub"), StoreTestKit.Kind("sub"));
        var byAggregateType = SubscriptionRequest.FromStart() with { AggregateTypes = [one] };
        var byEventType = SubscriptionRequest.FromStart() with { AggregateTypes = [one, other], EventTypes = [Milestone] };
        var byBoth = SubscriptionRequest.FromStart() with { AggregateTypes = [other], EventTypes = [Milestone, StoreTestKit.NoteType] };

        var oneOnly = Task.Run(() => CollectUntilEnd(cluster.Client.SubscribeToEvents(byAggregateType, guard.Token), one, guard.Token));
        var milestones = Task.Run(() => CollectUntilEnd(cluster.Client.SubscribeToEvents(byEventType, guard.Token), other, guard.Token));
        var otherOnly = Task.Run(() => CollectUntilEnd(cluster.Client.SubscribeToEvents(byBoth, guard.Token), other, guard.Token));
        await Task.WhenAll(WriteConcurrently(cluster.Client, one, writers: 3, appendsEach: 20), WriteConcurrently(cluster.Client, other, writers: 3, appendsEach: 20));
        await WriteEnd(cluster.Client, one);
        await WriteEnd(cluster.Client, other);

        var rows = cluster.RowsOfKinds(one, other);
        Assert.Equal(rows.Where(r => r.AggregateType == one).Keys(), (await oneOnly).Keys());
        Assert.Equal(rows.Where(r => r.Type == Milestone).Keys(), (await milestones).Keys());
        Assert.Equal(rows.Where(r => r.AggregateType == other).Keys(), (await otherOnly).Keys());
        Assert.Contains(rows, r => r.Type != Milestone); // the event-type filter had something to leave out
    }

    [Fact]
    public async Task The_count_of_open_subscriptions_goes_back_down_when_subscribers_disconnect()
    {
        using var guard = new CancellationTokenSource(Guard);
        var kind = StoreTestKit.Kind("sub");
        await WriteSequentially(cluster.Client, kind, 2);
        var before = cluster.OpenSubscriptionsCount();
        var events = cluster.Client.NewSubscription().Subscribe(SubscriptionRequest.FromStart() with { AggregateTypes = [kind] }, guard.Token)
            .GetAsyncEnumerator(guard.Token);
        Assert.True(await events.MoveNextAsync());
        Assert.Equal(before + 1, cluster.OpenSubscriptionsCount());

        await events.DisposeAsync();
        Assert.Equal(before, cluster.OpenSubscriptionsCount());
    }

    public static TheoryData<string, SubscriptionRequest, string> BadRequests => new()
    {
        { "negative position", SubscriptionRequest.After(-1), "AfterPosition" },
        { "past the head", SubscriptionRequest.After(long.MaxValue), "AfterPosition" },
        { "empty aggregate types", new SubscriptionRequest { AggregateTypes = [] }, "AggregateTypes" },
        { "blank aggregate type", new SubscriptionRequest { AggregateTypes = [" "] }, "AggregateTypes[0]" },
        { "empty event types", new SubscriptionRequest { EventTypes = [] }, "EventTypes" },
        { "unknown event type", new SubscriptionRequest { EventTypes = [StoreTestKit.NoteType, "no:such-event"] }, "EventTypes[1]" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task A_bad_request_is_refused_with_an_error_naming_the_field(string _, SubscriptionRequest request, string field)
    {
        using var guard = new CancellationTokenSource(Guard);
        await using var events = cluster.Client.NewSubscription().Subscribe(request, guard.Token).GetAsyncEnumerator(guard.Token);
        var error = await Assert.ThrowsAsync<Errors.InvalidCommandException>(async () => await events.MoveNextAsync());
        Assert.Equal(field, error.Argument);

        var resumes = 0;
        var resuming = cluster.Client.SubscribeToEvents(request, guard.Token, onResume: (_, _) => resumes++).GetAsyncEnumerator(guard.Token);
        error = await Assert.ThrowsAsync<Errors.InvalidCommandException>(async () => await resuming.MoveNextAsync());
        Assert.Equal(field, error.Argument);
        Assert.Equal(0, resumes); // not transient: refused at once, not retried
    }
}

[Collection(SubscriptionCollection.Name)]
public sealed class LiveSubscriptionTests_Sqlite(SubscriptionCluster cluster) : LiveSubscriptionTests(cluster);

[Collection(PostgresSubscriptionCollection.Name)]
public sealed class LiveSubscriptionTests_Postgres(PostgresSubscriptionCluster cluster) : LiveSubscriptionTests(cluster);
