using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Projections;
using EventStore.Reminders;
using EventStore.Subscriptions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace EventStore.Tests.Hosting;

/// <summary>
/// AddEventStore(configuration) reads each of its sections into the settings the silo's services use, and settings given
/// in code win over configuration. The host is built (its services resolved), never started.
/// </summary>
public sealed class AddEventStoreTests
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["EventStore:Journal:Provider"] = "Postgres",
        ["EventStore:Journal:ConnectionString"] = "Host=db.example;Database=journal",
        ["EventStore:Journal:DatabasePath"] = "elsewhere/journal.db",
        ["EventStore:Journal:Durability"] = "Normal",
        ["EventStore:Journal:MaxPageSize"] = "123",
        ["EventStore:Projections:StreamProvider"] = "ConfiguredStreams",
        ["EventStore:Projections:StreamPullInterval"] = "00:00:00.020",
        ["EventStore:Projections:CommitEveryEvents"] = "7",
        ["EventStore:Projections:FlushInterval"] = "00:00:03",
        ["EventStore:Subscriptions:PollInterval"] = "00:00:00.050",
        ["EventStore:Subscriptions:PageSize"] = "42",
        ["EventStore:Reminders:RetryPeriod"] = "00:02:00",
        ["EventStore:Reminders:MaxTimeToLive"] = "30.00:00:00",
    };

    [Fact]
    public void Each_section_of_the_configuration_is_read()
    {
        using var host = Build(silo => silo.AddEventStore(Configuration()));

        var journal = host.Services.GetRequiredService<JournalOptions>();
        Assert.Equal(JournalProvider.Postgres, journal.Provider);
        Assert.Equal("Host=db.example;Database=journal", journal.ConnectionString);
        Assert.Equal("elsewhere/journal.db", journal.DatabasePath);
        Assert.Equal(JournalDurability.Normal, journal.Durability);
        Assert.Equal(123, journal.MaxPageSize);

        var projections = host.Services.GetRequiredService<IOptions<ProjectionOptions>>().Value;
        Assert.Equal("ConfiguredStreams", projections.StreamProvider);
        Assert.Equal(7, projections.CommitEveryEvents);
        Assert.Equal(TimeSpan.FromSeconds(3), projections.FlushInterval);
        // The stream settings are read when AddEventStore runs: the memory streams have the configured name and pull interval.
        var pulling = host.Services.GetRequiredService<IOptionsMonitor<StreamPullingAgentOptions>>().Get("ConfiguredStreams");
        Assert.Equal(TimeSpan.FromMilliseconds(20), pulling.GetQueueMsgsTimerPeriod);

        var subscriptions = host.Services.GetRequiredService<IOptions<SubscriptionOptions>>().Value;
        Assert.Equal(TimeSpan.FromMilliseconds(50), subscriptions.PollInterval);
        Assert.Equal(42, subscriptions.PageSize);

        var reminders = host.Services.GetRequiredService<IOptions<MemoryExpiryOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(2), reminders.RetryPeriod);
        Assert.Equal(TimeSpan.FromDays(30), reminders.MaxTimeToLive);
    }

    [Fact]
    public void Settings_in_code_win_over_the_configuration()
    {
        using var host = Build(silo => silo.AddEventStore(Configuration(), store => store
            .Journal(journal => journal.MaxPageSize = 456)
            .Projections(projections => projections.CommitEveryEvents = 8)
            .Subscriptions(subscriptions => subscriptions.PageSize = 43)
            .Reminders(reminders => reminders.MaxTimeToLive = TimeSpan.FromDays(31))));

        var journal = host.Services.GetRequiredService<JournalOptions>();
        Assert.Equal(456, journal.MaxPageSize);
        Assert.Equal(JournalDurability.Normal, journal.Durability); // the rest still comes from the configuration
        Assert.Equal(8, host.Services.GetRequiredService<IOptions<ProjectionOptions>>().Value.CommitEveryEvents);
        Assert.Equal(43, host.Services.GetRequiredService<IOptions<SubscriptionOptions>>().Value.PageSize);
        Assert.Equal(TimeSpan.FromDays(31), host.Services.GetRequiredService<IOptions<MemoryExpiryOptions>>().Value.MaxTimeToLive);
    }

    [Fact]
    public void Without_configuration_the_defaults_stay()
    {
        using var host = Build(silo => silo.AddEventStore(new ConfigurationBuilder().Build()));

        var journal = host.Services.GetRequiredService<JournalOptions>();
        Assert.Equal(JournalProvider.Sqlite, journal.Provider);
        Assert.Equal(new JournalOptions().DatabasePath, journal.DatabasePath);
        Assert.Equal(new ProjectionOptions().StreamProvider, host.Services.GetRequiredService<IOptions<ProjectionOptions>>().Value.StreamProvider);
        Assert.Equal(new SubscriptionOptions().PageSize, host.Services.GetRequiredService<IOptions<SubscriptionOptions>>().Value.PageSize);
        Assert.Equal(new MemoryExpiryOptions().MaxTimeToLive, host.Services.GetRequiredService<IOptions<MemoryExpiryOptions>>().Value.MaxTimeToLive);
    }

    private static IConfiguration Configuration() => new ConfigurationBuilder().AddInMemoryCollection(Settings).Build();

    private static IHost Build(Action<ISiloBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => configure(silo.UseLocalhostClustering()));
        return builder.Build();
    }
}
