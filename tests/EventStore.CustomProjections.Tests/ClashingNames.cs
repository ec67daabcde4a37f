using EventStore.Events;
using EventStore.Projections;
using Orleans.Concurrency;

namespace EventStore.CustomProjections.Tests;

/// <summary>How many events an aggregate has: the record of the two projections whose names were chosen to clash.</summary>
public sealed record EventCount(string AggregateId, long Count);

/// <summary>
/// Counts the events of each aggregate of one type into one table. Two of them, <see cref="AgentCounts"/> and
/// <see cref="TaskCounts"/>, have names made so that the table naming <c>rm_{projection}_{generation}_{table}</c> gave
/// both of them the table <c>rm_clash_1_x_1_t</c>.
/// </summary>
public abstract class CountingProjection(string name, string aggregateType, string table) : Projection
{
    /// <summary>Counts by aggregate id.</summary>
    public RecordTable<EventCount> Counts { get; } = new(table);

    /// <inheritdoc />
    public override string Name => name;

    /// <inheritdoc />
    public override IReadOnlyList<string> AggregateTypes => [aggregateType];

    /// <inheritdoc />
    public override IReadOnlyList<RecordTable> Tables => [Counts];

    /// <inheritdoc />
    public override async ValueTask ApplyAsync(EventEnvelope envelope, RecordSession records)
    {
        var count = await records.GetAsync(Counts, envelope.AggregateId);
        records.Put(Counts, envelope.AggregateId, new EventCount(envelope.AggregateId, (count?.Count ?? 0) + 1));
    }
}

/// <summary>Agent events per agent: projection <c>clash</c>, table <c>x_1_t</c>.</summary>
public sealed class AgentCounts() : CountingProjection("clash", Events.AggregateTypes.Agent, "x_1_t");

/// <summary>Task events per task: projection <c>clash_1_x</c>, table <c>t</c>.</summary>
public sealed class TaskCounts() : CountingProjection("clash_1_x", Events.AggregateTypes.Task, "t");

/// <summary>The keys and counts of a counting projection.</summary>
public interface ICounts : IProjection
{
    /// <summary>Every count, by aggregate id.</summary>
    Task<IReadOnlyDictionary<string, long>> GetAll();
}

/// <summary>The agent counts' queries.</summary>
public interface IAgentCounts : IGrainWithStringKey, ICounts;

/// <summary>The task counts' queries.</summary>
public interface ITaskCounts : IGrainWithStringKey, ICounts;

/// <summary>Answers a counting projection's queries.</summary>
public abstract class CountQueries<T>(ProjectionReader reader) : ProjectionQueryGrain<T>(reader), ICounts where T : CountingProjection, new()
{
    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<string, long>> GetAll() =>
        (await ListAll(Definition.Counts, RecordQuery.All)).ToDictionary(c => c.AggregateId, c => c.Count, StringComparer.Ordinal);
}

/// <summary>The grain behind <see cref="IAgentCounts"/>.</summary>
[StatelessWorker]
public sealed class AgentCountQueries(ProjectionReader reader) : CountQueries<AgentCounts>(reader), IAgentCounts;

/// <summary>The grain behind <see cref="ITaskCounts"/>.</summary>
[StatelessWorker]
public sealed class TaskCountQueries(ProjectionReader reader) : CountQueries<TaskCounts>(reader), ITaskCounts;
