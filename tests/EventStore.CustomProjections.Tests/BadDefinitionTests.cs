using EventStore.CustomProjections.Tests.Infrastructure;
using EventStore.CustomProjections.Tests.WorkSummary;
using EventStore.Events;
using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Projections;
using Orleans.TestingHost;

namespace EventStore.CustomProjections.Tests;

/// <summary>A silo whose projections are not valid refuses to start, and says which projection is wrong and how.</summary>
public sealed class BadDefinitionTests
{
    [Fact]
    public async Task A_silo_with_invalid_projections_does_not_start_and_names_each_problem()
    {
        var message = await StartFailureAsync(silo => silo
            .AddProjection<WorkSummaryProjection>()
            .AddProjection<SameNameAsWorkSummary>()
            .AddProjection<NotAnIdentifier>()
            .AddProjection<DoubleUnderscore>()
            .AddProjection<TableTwice>());

        Assert.Contains($"{typeof(WorkSummaryProjection).FullName} and {typeof(SameNameAsWorkSummary).FullName} are all named 'work_summary'", message);
        Assert.Contains($"{typeof(NotAnIdentifier).FullName}: The projection name 'Work-Summary' must be", message);
        Assert.Contains($"{typeof(DoubleUnderscore).FullName}: The projection name 'work__summary' must be", message);
        Assert.Contains($"{typeof(TableTwice).FullName}: the table 'items' is declared 2 times", message);
    }

    [Fact]
    public async Task A_projection_without_the_projections_machinery_is_refused_when_configured()
    {
        var message = await StartFailureAsync(silo => silo.AddProjection<WorkSummaryProjection>(), withMachinery: false);
        Assert.Contains("call AddEventStoreProjections() first", message);
    }

    /// <summary>Starts a silo configured as an application would, plus <paramref name="projections"/>; returns what its failure to start says.</summary>
    private static async Task<string> StartFailureAsync(Action<ISiloBuilder> projections, bool withMachinery = true)
    {
        var folder = Path.Combine(Path.GetTempPath(), "eventstore-custom-projections", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var builder = new InProcessTestClusterBuilder(initialSilosCount: 1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            if (withMachinery) CustomProjectionCluster.Configure(silo, JournalProvider.Sqlite, Path.Combine(folder, "events.db"), null, projections);
            else projections(silo.AddSqliteEventJournal(o => o.DatabasePath = Path.Combine(folder, "events.db")));
        });
        await using var cluster = builder.Build();
        try
        {
            var failure = await Assert.ThrowsAnyAsync<Exception>(() => cluster.DeployAsync());
            return failure.ToString();
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } // best effort
        }
    }

    private abstract class ItemsProjection : Projection
    {
        public override IReadOnlyList<string> AggregateTypes => [Events.AggregateTypes.Agent];

        public override IReadOnlyList<RecordTable> Tables => [new RecordTable<EventCount>("items")];

        public override ValueTask ApplyAsync(EventEnvelope envelope, RecordSession records) => ValueTask.CompletedTask;
    }

    private sealed class SameNameAsWorkSummary : ItemsProjection
    {
        public override string Name => "work_summary";
    }

    private sealed class NotAnIdentifier : ItemsProjection
    {
        public override string Name => "Work-Summary";
    }

    private sealed class DoubleUnderscore : ItemsProjection
    {
        public override string Name => "work__summary";
    }

    private sealed class TableTwice : ItemsProjection
    {
        public override string Name => "table_twice";

        public override IReadOnlyList<RecordTable> Tables => [new RecordTable<EventCount>("items"), new RecordTable<EventCount>("items")];
    }
}
