using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Store;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Aggregates;

/// <summary>
/// A command's <see cref="CommandContext.EventId"/> makes it idempotent by the same rule as the store's
/// append: a repeat of the same request (same event type, same caller-given arguments) gets the original
/// receipt, and another request under that id is refused; fields the grain derives (times, counts) do not count.
/// </summary>
public abstract class CommandIdempotencyTests(JournalCluster cluster)
{
    [Fact]
    public async Task Reusing_an_event_id_for_the_same_command_with_other_arguments_is_refused_naming_the_id_and_writes_nothing()
    {
        var id = Ids.New("memory");
        var memory = cluster.Client.GetGrain<IMemoryNamespaceGrain>(id);
        var context = new CommandContext { EventId = Ids.New("event") };
        await memory.Store("k", "embedding", 10, context: context);
        var rows = cluster.Journal.Rows(id);

        var error = await Assert.ThrowsAsync<DuplicateEventIdException>(() => memory.Store("k", "embedding", 20, context: context));

        Assert.Equal(context.EventId, error.EventId);
        Assert.Contains(context.EventId!, error.Message);
        Assert.Equal(rows, cluster.Journal.Rows(id));
        Assert.Equal(10, (await memory.GetState()).Entries["k"].Size);
    }

    [Fact]
    public async Task Repeating_a_command_with_its_event_id_and_the_same_arguments_returns_the_original_receipt_though_the_grain_derives_other_fields()
    {
        var id = Ids.New("memory");
        var memory = cluster.Client.GetGrain<IMemoryNamespaceGrain>(id);
        await memory.Store("k", "embedding", 10);
        var context = new CommandContext { EventId = Ids.New("event") };
        var first = await memory.Retrieve("k", context);
        var rows = cluster.Journal.Rows(id);

        // A retry now would derive another access count and time: it is still the same request.
        Assert.Equal(first, await memory.Retrieve("k", context));
        Assert.Equal(first, await memory.Retrieve("k", context with { Source = "retrying-caller" }));

        Assert.Equal(rows, cluster.Journal.Rows(id));
        Assert.Equal(1, (await memory.GetState()).Entries["k"].AccessCount);
    }

    [Fact]
    public async Task Reusing_an_event_id_for_another_command_of_the_aggregate_is_refused()
    {
        var id = Ids.New("memory");
        var memory = cluster.Client.GetGrain<IMemoryNamespaceGrain>(id);
        var context = new CommandContext { EventId = Ids.New("event") };
        await memory.Store("k", "embedding", 10, context: context);
        var rows = cluster.Journal.Rows(id);

        var error = await Assert.ThrowsAsync<DuplicateEventIdException>(() => memory.Retrieve("k", context));

        Assert.Equal(context.EventId, error.EventId);
        Assert.Equal(rows, cluster.Journal.Rows(id));
    }

    [Fact]
    public async Task An_event_written_before_requests_were_fingerprinted_still_answers_a_retry_of_its_command()
    {
        var id = Ids.New("memory");
        var memory = cluster.Client.GetGrain<IMemoryNamespaceGrain>(id);
        await memory.Store("k", "embedding", 10);
        var context = new CommandContext { EventId = Ids.New("event") };
        var first = await memory.Retrieve("k", context);
        Assert.Equal(2, cluster.Journal.ForgetRequests(id));
        var rows = cluster.Journal.Rows(id);

        Assert.Equal(first, await memory.Retrieve("k", context));
        Assert.Equal(rows, cluster.Journal.Rows(id));
    }

    [Fact]
    public async Task An_append_written_before_requests_were_fingerprinted_is_still_compared_by_payload()
    {
        var (id, kind, eventId) = (Ids.New("ledger"), Ids.New("kind"), Ids.New("event"));
        var store = cluster.Client.GetEventStore();
        var first = await store.Append(id, kind, [new NewEvent(new NoteAdded("same")) { Id = eventId }]);
        Assert.Equal(1, cluster.Journal.ForgetRequests(id));

        var retry = await store.Append(id, kind, [new NewEvent(new NoteAdded("same")) { Id = eventId }]);
        var error = await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.Append(id, kind, [new NewEvent(new NoteAdded("other")) { Id = eventId }]));

        Assert.Equal(first.Events, retry.Events);
        Assert.True(retry.WasRetry);
        Assert.Equal(eventId, error.EventId);
        Assert.Single(cluster.Journal.Rows(id));
    }
}

[Collection(SharedClusterCollection.Name)]
public sealed class CommandIdempotencyTests_Sqlite(JournalCluster cluster) : CommandIdempotencyTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class CommandIdempotencyTests_Postgres(PostgresJournalCluster cluster) : CommandIdempotencyTests(cluster);
