using Orleans.Connections.Security;
using Orleans.Hosting;

namespace EventStore.Tls;

/// <summary>Turns on TLS between an Orleans client and the event store's gateways.</summary>
public static class EventStoreTlsClientBuilderExtensions
{
    /// <summary>
    /// When <see cref="EventStoreTlsOptions.Enabled"/>: connects to gateways over TLS (the library's <c>UseTls</c>), presenting
    /// the configured certificate if there is one and accepting only a gateway whose certificate is pinned or chains to a
    /// configured CA. Otherwise does nothing. The settings are checked here: a wrong one throws an
    /// <see cref="ArgumentException"/> naming it.
    /// </summary>
    public static IClientBuilder UseEventStoreTls(this IClientBuilder builder, EventStoreTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled) return builder;

        var credentials = EventStoreTlsCredentials.Load(options, certificateRequired: false);
        return builder.UseTls(tls => credentials.Configure(tls, RemoteCertificateMode.RequireCertificate));
    }
}
