using EventStore.Hosting;
using EventStore.Tls;
using Microsoft.Extensions.Configuration;
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

builder.UseOrleans(orleans => orleans
    .AddEventStoreClustering(builder.Configuration)
    .UseEventStoreTls(builder.Configuration.GetSection(EventStoreTlsOptions.SectionName).Get<EventStoreTlsOptions>() ?? new())
    .AddEventStore(builder.Configuration));

await builder.Build().RunAsync();
