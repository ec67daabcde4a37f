using Orleans.Runtime;

namespace EventStore.Tests.Projections;

/// <summary>A counter's persisted state.</summary>
[GenerateSerializer]
public sealed class CounterState
{
    /// <summary>The running total.</summary>
    [Id(0)] public int Value { get; set; }

    /// <summary>Every amount added, in order (a list, to see that nested data round-trips).</summary>
    [Id(1)] public List<int> Added { get; set; } = [];
}

/// <summary>What a counter grain reports about its persistent state.</summary>
[GenerateSerializer, Immutable]
public sealed record CounterView([property: Id(0)] int Value, [property: Id(1)] List<int> Added, [property: Id(2)] string? ETag, [property: Id(3)] bool RecordExists);

/// <summary>The calls every test counter answers.</summary>
public interface ICounter : IGrainWithStringKey
{
    /// <summary>Adds to the total and writes the state.</summary>
    Task<CounterView> Add(int amount);

    /// <summary>The state as held by this activation.</summary>
    Task<CounterView> Get();

    /// <summary>Clears the stored state.</summary>
    Task<CounterView> Clear();
}

/// <summary>A counter on the main test storage provider.</summary>
public interface ICounterGrain : ICounter;

/// <summary>Another grain type with the same state name on the same provider.</summary>
public interface IOtherCounterGrain : ICounter;

/// <summary>A counter on a provider configured with <c>DeleteStateOnClear</c>.</summary>
public interface IDeletingCounterGrain : ICounter;

/// <summary>The counter logic, shared by the test grain types.</summary>
public abstract class CounterGrainBase(IPersistentState<CounterState> state) : Grain, ICounter
{
    /// <inheritdoc />
    public async Task<CounterView> Add(int amount)
    {
        state.State.Value += amount;
        state.State.Added.Add(amount);
        await state.WriteStateAsync();
        return View();
    }

    /// <inheritdoc />
    public Task<CounterView> Get() => Task.FromResult(View());

    /// <inheritdoc />
    public async Task<CounterView> Clear()
    {
        await state.ClearStateAsync();
        return View();
    }

    private CounterView View() => new(state.State.Value, [.. state.State.Added], state.Etag, state.RecordExists);
}

/// <summary>Stores its state as "state" in <see cref="GrainStorageCluster.StorageName"/>.</summary>
public sealed class CounterGrain([PersistentState("state", GrainStorageCluster.StorageName)] IPersistentState<CounterState> state)
    : CounterGrainBase(state), ICounterGrain;

/// <summary>Also stores its state as "state" in <see cref="GrainStorageCluster.StorageName"/>.</summary>
public sealed class OtherCounterGrain([PersistentState("state", GrainStorageCluster.StorageName)] IPersistentState<CounterState> state)
    : CounterGrainBase(state), IOtherCounterGrain;

/// <summary>Stores its state in <see cref="GrainStorageCluster.DeletingStorageName"/>.</summary>
public sealed class DeletingCounterGrain([PersistentState("state", GrainStorageCluster.DeletingStorageName)] IPersistentState<CounterState> state)
    : CounterGrainBase(state), IDeletingCounterGrain;
