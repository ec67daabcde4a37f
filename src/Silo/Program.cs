using EventStore.Health;
using EventStore.Hosting;
using EventStore.Silo;
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

// Telemetry: OpenTelemetry over OTLP when EventStore:Telemetry:OtlpEndpoint is set; off by default.
builder.AddEventStoreTelemetry();
builder.UseOrleans(orleans => orleans
    .AddActivityPropagation() // a grain call carries its caller's trace (costs nothing while no one listens)
    .AddEventStoreClustering(builder.Configuration)
    .UseEventStoreTls(builder.Configuration.GetSection(EventStoreTlsOptions.SectionName).Get<EventStoreTlsOptions>() ?? new())
    .AddEventStore(builder.Configuration)
    // EventStore:Http:Enabled=true: /health/live, /health/ready and the Orleans dashboard (/dashboard/) on 127.0.0.1:8080.
    .AddEventStoreHttp(builder.Configuration.GetSection(EventStoreHttpOptions.SectionName)));

await builder.Build().RunAsync();
