using EventStore.Hosting;
using EventStore.Journal;
using EventStore.Tls;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// A silo on the embedded SQLite journal. Settings come from appsettings.json next to the binary, then
// environment variables (EventStore__Journal__DatabasePath=...), then the command line
// (--EventStore:Journal:DatabasePath=...). Ctrl+C stops it cleanly: queued appends are committed first.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
{
    Args = args,
    ContentRootPath = AppContext.BaseDirectory,
});

var silo = builder.Configuration.GetSection("EventStore:Silo");
builder.Services.Configure<JournalOptions>(builder.Configuration.GetSection("EventStore:Journal"));
builder.UseOrleans(orleans => orleans
    .UseLocalhostClustering(
        siloPort: silo.GetValue("SiloPort", 11111),
        gatewayPort: silo.GetValue("GatewayPort", 30000),
        serviceId: silo.GetValue("ServiceId", "agent-event-store")!,
        clusterId: silo.GetValue("ClusterId", "dev")!)
    .UseEventStoreTls(builder.Configuration.GetSection(EventStoreTlsOptions.SectionName).Get<EventStoreTlsOptions>() ?? new())
    .AddSqliteEventJournal()
    .AddEventStoreProjections(projections => builder.Configuration.GetSection("EventStore:Projections").Bind(projections)));

await builder.Build().RunAsync();
