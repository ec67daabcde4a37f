using EventStore.Journal;

namespace EventStore.Projections;

/// <summary>
/// The projections registered on this silo (<c>AddProjection&lt;T&gt;()</c>), by name, checked when the silo starts:
/// every name valid and unique, every projection reading at least one aggregate type and keeping at least one table,
/// no table declared twice, every table and index name within the databases' identifier limit. A silo whose
/// projections are not valid does not start, and the error names each problem and the projection it is in.
/// </summary>
internal sealed class ProjectionCatalog
{
    /// <summary>The generation number the identifier lengths are checked for: names that fit it fit every generation before it.</summary>
    private const int CheckedGeneration = 9999;

    private readonly Dictionary<string, Projection> _byName = new(StringComparer.Ordinal);

    public ProjectionCatalog(IEnumerable<Projection> projections)
    {
        All = [.. projections];
        var problems = new List<string>();
        foreach (var projection in All) problems.AddRange(ProblemsOf(projection));
        foreach (var clash in All.Where(p => p.Name is not null).GroupBy(p => p.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"{string.Join(" and ", clash.Select(p => p.GetType().FullName))} are all named '{clash.Key}': a projection's name must be unique.");
        if (problems.Count > 0)
            throw new InvalidOperationException($"The projections registered on this silo are not valid:{Environment.NewLine}- {string.Join($"{Environment.NewLine}- ", problems)}");
        foreach (var projection in All) _byName[projection.Name] = projection;
    }

    /// <summary>Every projection registered, in the order of registration.</summary>
    public IReadOnlyList<Projection> All { get; }

    /// <summary>The projection named <paramref name="name"/>; throws if this silo has none by that name.</summary>
    public Projection Get(string name) =>
        _byName.TryGetValue(name, out var projection)
            ? projection
            : throw new InvalidOperationException(
                $"No projection named '{name}' is registered on this silo (it has {string.Join(", ", _byName.Keys)}); register it with AddProjection<T>() on every silo.");

    private static List<string> ProblemsOf(Projection projection)
    {
        var type = projection.GetType().FullName;
        var problems = new List<string>();
        var name = Checked(() => Projection.CheckName(projection.Name), problems, type);
        if (projection.AggregateTypes is not { Count: > 0 } aggregateTypes || aggregateTypes.Any(string.IsNullOrWhiteSpace))
            problems.Add($"{type}: AggregateTypes must name at least one aggregate type, and no empty one.");
        if (projection.ShapeVersion < 1) problems.Add($"{type}: ShapeVersion must be at least 1, got {projection.ShapeVersion}.");
        if (projection.Tables is not { Count: > 0 } tables || tables.Any(t => t is null))
        {
            problems.Add($"{type}: Tables must declare at least one table, and no null one.");
            return problems;
        }
        foreach (var twice in tables.GroupBy(t => t.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
            problems.Add($"{type}: the table '{twice.Key}' is declared {twice.Count()} times.");
        if (name is not null)
            Checked(() => ReadModelLayout.TablesOf(new ProjectionGeneration(name, CheckedGeneration, projection.ShapeVersion, 0, IsActive: false), tables.DistinctBy(t => t.Name).ToList()),
                problems, type);
        return problems;
    }

    /// <summary>The check's result, or null with its message added to <paramref name="problems"/>.</summary>
    private static T? Checked<T>(Func<T> check, List<string> problems, string? type) where T : class
    {
        try
        {
            return check();
        }
        catch (ArgumentException ex)
        {
            problems.Add($"{type}: {ex.Message}");
            return null;
        }
    }
}
