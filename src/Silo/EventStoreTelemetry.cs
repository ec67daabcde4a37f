using EventStore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace EventStore.Silo;

/// <summary>
/// The silo's OpenTelemetry: the event store's meter and activities (<see cref="EventStoreDiagnostics.Name"/>) beside
/// Orleans' (<see cref="EventStoreDiagnostics.OrleansName"/>), exported over OTLP to <c>EventStore:Telemetry:OtlpEndpoint</c>.
/// Off unless that setting is given: then nothing is registered, and nothing listens to the meters or activities.
/// </summary>
internal static class EventStoreTelemetry
{
    /// <summary>The settings' section.</summary>
    public const string SectionName = "EventStore:Telemetry";

    /// <summary>Adds OpenTelemetry with an OTLP exporter if <c>EventStore:Telemetry:OtlpEndpoint</c> is set (a URL, e.g. http://localhost:4317).</summary>
    public static IHostApplicationBuilder AddEventStoreTelemetry(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(SectionName);
        var endpoint = section["OtlpEndpoint"];
        if (string.IsNullOrWhiteSpace(endpoint)) return builder;
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            throw new InvalidOperationException($"{SectionName}:OtlpEndpoint is '{endpoint}'; it must be an http or https URL such as http://localhost:4317.");
        var serviceName = section["ServiceName"] is { Length: > 0 } name ? name : "eventstore-silo";

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(metrics => metrics
                .AddMeter(EventStoreDiagnostics.Name, EventStoreDiagnostics.OrleansName)
                .AddOtlpExporter(otlp => otlp.Endpoint = uri))
            .WithTracing(tracing => tracing
                .AddSource(EventStoreDiagnostics.Name, EventStoreDiagnostics.OrleansName + "*")
                .AddOtlpExporter(otlp => otlp.Endpoint = uri));
        return builder;
    }
}
