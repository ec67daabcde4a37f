using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Reminders;
using EventStore.Silo;
using EventStore.Subscriptions;
using EventStore.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A silo on the embedded SQLite journal. Settings come from appsettings.json next to the binary, then
// environment variables (EventStore__Journal__DatabasePath=...), then the command line
// (--EventStore:Journal:DatabasePath=...). Ctrl+C stops it cleanly: queued appends are committed first.
// EventStore:Cluster:Provider=Postgres makes it one of a cluster sharing a membership table in PostgreSQL.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

builder.Services.Configure<JournalOptions>(builder.Configuration.GetSection("EventStore:Journal"));
builder.Services.Configure<MemoryExpiryOptions>(builder.Configuration.GetSection(MemoryExpiryOptions.SectionName));
builder.Services.Configure<SubscriptionOptions>(builder.Configuration.GetSection("EventStore:Subscriptions"));
// Telemetry (issue 13): OpenTelemetry over OTLP when EventStore:Telemetry:OtlpEndpoint is set; off by default.
builder.AddEventStoreTelemetry();
builder.UseOrleans(orleans => orleans
    .AddActivityPropagation() // a grain call carries its caller's trace (costs nothing while no one listens)
    .AddEventStoreClustering(builder.Configuration)
    .UseEventStoreTls(builder.Configuration.GetSection(EventStoreTlsOptions.SectionName).Get<EventStoreTlsOptions>() ?? new())
    .AddSqliteEventJournal()
    .AddEventStoreProjections(projections => builder.Configuration.GetSection("EventStore:Projections").Bind(projections)));

await builder.Build().RunAsync();
