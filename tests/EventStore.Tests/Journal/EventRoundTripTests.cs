using System.Text.Json;
using EventStore.Events;
using EventStore.Journal;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Journal;

public abstract class EventRoundTripTests(JournalCluster cluster)
{
    private static readonly EventPayloadSerializer Serializer = new(new EventTypeRegistry([typeof(NoteAdded).Assembly]));

    [Fact]
    public void The_registry_knows_exactly_the_23_domain_event_types_by_their_stable_names()
    {
        var names = EventTypeRegistry.BuiltIn.Names.Order().ToList();

        Assert.Equal(23, names.Count);
        Assert.Equal(SampleEvents.All.Select(Serializer.TypeNameOf).Order(), names);
        Assert.Contains("agent:status-changed", names);
        Assert.Contains("swarm:milestone-reached", names);
    }

    [Fact]
    public async Task Every_event_type_read_back_from_the_journal_equals_what_was_raised()
    {
        var id = Ids.New("note");
        var grain = cluster.Client.GetGrain<INoteGrain>(id);
        var sample = SampleEvents.Naming(id);
        foreach (var payload in sample) await grain.Raise(payload);

        var rows = cluster.Journal.Rows(id);
        Assert.Equal(sample.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var raised = sample[i];
            var stored = Serializer.Deserialize(rows[i].Type, rows[i].Payload);
            Assert.Equal(Serializer.TypeNameOf(raised), rows[i].Type);
            Assert.IsType(raised.GetType(), stored);
            Assert.Equal(Canonical(raised), Canonical(stored));
        }

        await cluster.DeactivateAsync(grain);
        var log = await grain.GetLog();
        Assert.Equal(sample.Select(Canonical), log.Select(e => Canonical(e.Payload)));
        Assert.Equal(rows.Select(r => r.Position), log.Select(e => e.Position));
    }

    [Fact]
    public async Task Payloads_are_stored_as_readable_json_with_camel_case_names_and_enum_strings()
    {
        var id = Ids.New("note");
        await cluster.Client.GetGrain<INoteGrain>(id).Raise(SampleEvents.Naming(id)[7]);

        var row = Assert.Single(cluster.Journal.Rows(id));
        using var json = JsonDocument.Parse(row.Payload);
        Assert.Equal("task:created", row.Type);
        Assert.Equal("critical", json.RootElement.GetProperty("priority").GetString());
        Assert.Equal("Review PR", json.RootElement.GetProperty("title").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("dependencies").GetArrayLength());
    }

    [Fact]
    public async Task Envelope_fields_survive_the_round_trip_and_an_application_event_type_is_accepted()
    {
        var id = Ids.New("note");
        var grain = cluster.Client.GetGrain<INoteGrain>(id);
        await grain.Raise(new NoteAdded("hello"));

        var row = Assert.Single(cluster.Journal.Rows(id));
        Assert.Equal(("test:note", "note", "test", "cause-1", "corr-1"), (row.Type, row.AggregateType, row.Source, row.CausationId, row.CorrelationId));
        Assert.Equal("{\"origin\":\"note-grain\"}", row.Metadata);

        await cluster.DeactivateAsync(grain);
        var applied = Assert.Single(await grain.GetApplied());
        Assert.Equal((row.Id, row.Version, row.Position, row.Timestamp), (applied.Id, applied.Version, applied.Position, applied.Timestamp));
        Assert.Equal("note-grain", applied.Metadata!["origin"]);
        Assert.Equal(new NoteAdded("hello"), applied.Payload);
    }

    private static string Canonical(IDomainEvent payload) => Serializer.Serialize(payload);
}

[Collection(SharedClusterCollection.Name)]
public sealed class EventRoundTripTests_Sqlite(JournalCluster cluster) : EventRoundTripTests(cluster);

[Collection(PostgresClusterCollection.Name)]
public sealed class EventRoundTripTests_Postgres(PostgresJournalCluster cluster) : EventRoundTripTests(cluster);
