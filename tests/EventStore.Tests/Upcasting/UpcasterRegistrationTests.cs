using EventStore.Events;
using EventStore.Journal;
using EventStore.Tests.Infrastructure;

namespace EventStore.Tests.Upcasting;

/// <summary>Upcasters are checked once, when the registry is built (at silo start): a wrong chain is refused, naming the type and version.</summary>
public sealed class UpcasterRegistrationTests
{
    private static readonly Type[] TaskType = [typeof(UpcastTaskNoted)];

    [Fact]
    public void The_test_assembly_registers_its_versioned_types_and_discovers_their_upcasters()
    {
        var registry = new EventTypeRegistry([typeof(NoteAdded).Assembly]);

        Assert.Equal(3, registry.CurrentVersion("test:upcast-task"));
        Assert.Equal(2, registry.CurrentVersion("test:upcast-note-written"));
        Assert.Equal(1, registry.CurrentVersion("agent:spawned"));
        Assert.Equal(["test:upcast-memo", "test:upcast-note-written"], new EventPayloadSerializer(registry).StoredNamesOf("test:upcast-note-written"));
        Assert.Equal(["test:upcast-memo", "test:upcast-note-written"], new EventPayloadSerializer(registry).StoredNamesOf("test:upcast-memo"));
        Assert.Equal(["agent:spawned"], new EventPayloadSerializer(registry).StoredNamesOf("agent:spawned"));
    }

    [Fact]
    public void A_missing_step_of_a_chain_is_refused_naming_the_type_and_version()
    {
        var error = Refused(TaskType, new ScriptedUpcaster("test:upcast-task", 1));

        Assert.Contains("No upcaster reads version 2 of event type 'test:upcast-task' (registered at version 3)", error.Message);
    }

    [Fact]
    public void A_versioned_type_without_any_upcaster_is_refused()
    {
        var error = Refused(TaskType);

        Assert.Contains("'test:upcast-task' is at version 3, but no upcaster leads to its version 3 from version 2", error.Message);
    }

    [Fact]
    public void Two_upcasters_of_one_type_and_version_are_refused()
    {
        var error = Refused(TaskType, new ScriptedUpcaster("test:upcast-task", 1), new ScriptedUpcaster("test:upcast-task", 1), new ScriptedUpcaster("test:upcast-task", 2));

        Assert.Contains("Two upcasters read version 1 of event type 'test:upcast-task'", error.Message);
    }

    [Fact]
    public void An_upcaster_of_the_current_version_is_refused()
    {
        var error = Refused([typeof(NoteAdded)], new ScriptedUpcaster("test:note", 1));

        Assert.Contains("reads version 1 of 'test:note', but that type is registered at version 1", error.Message);
    }

    [Fact]
    public void A_rename_to_a_type_that_does_not_exist_is_refused()
    {
        var error = Refused([], new ScriptedUpcaster("test:old", 1, toEventType: "test:nowhere"));

        Assert.Contains("leads to version 2 of 'test:nowhere', which is neither a registered event type nor read by an upcaster", error.Message);
    }

    [Fact]
    public void A_chain_past_the_current_version_is_refused()
    {
        var error = Refused([typeof(NoteAdded)], new ScriptedUpcaster("test:old-note", 1, toEventType: "test:note"));

        Assert.Contains("leads to version 2 of 'test:note', but that type is registered at version 1", error.Message);
    }

    [Fact]
    public void Renamings_that_keep_the_version_may_not_form_a_cycle()
    {
        var error = Refused([typeof(NoteAdded)],
            new ScriptedUpcaster("test:a", 1, toEventType: "test:b", toVersion: 1),
            new ScriptedUpcaster("test:b", 1, toEventType: "test:a", toVersion: 1));

        Assert.Contains("form a cycle through version 1 of 'test:a'", error.Message);
    }

    [Fact]
    public void An_upcaster_that_keeps_name_and_version_is_refused()
    {
        var error = Refused([], new ScriptedUpcaster("test:old", 2, toVersion: 2));

        Assert.Contains("must lead to a later version of 'test:old' than 2", error.Message);
    }

    [Fact]
    public void A_version_below_1_is_refused()
    {
        var error = Refused([], new ScriptedUpcaster("test:old", 0));

        Assert.Contains("reads version 0 of 'test:old'; versions start at 1", error.Message);
    }

    private static InvalidOperationException Refused(Type[] types, params EventUpcaster[] upcasters) =>
        Assert.Throws<InvalidOperationException>(() => new EventTypeRegistry(types, upcasters));
}
