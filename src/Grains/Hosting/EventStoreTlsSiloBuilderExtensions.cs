using EventStore.Tls;
using Orleans.Configuration;
using Orleans.Connections.Security;

namespace EventStore.Hosting;

/// <summary>Turns on TLS for a silo: between silos and between clients and the silo's gateway.</summary>
public static class EventStoreTlsSiloBuilderExtensions
{
    /// <summary>
    /// When <see cref="EventStoreTlsOptions.Enabled"/>: every connection to and from this silo is TLS, with the configured
    /// certificate. Silos always present certificates to each other (mutual TLS); clients must present one when
    /// <see cref="EventStoreTlsOptions.RequireClientCertificate"/>. A remote certificate is accepted only when pinned or chained to
    /// a configured CA. Otherwise does nothing. The settings are checked here, when the host is built: a wrong one throws an
    /// <see cref="ArgumentException"/> naming it.
    /// </summary>
    public static ISiloBuilder UseEventStoreTls(this ISiloBuilder builder, EventStoreTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled) return builder;

        var credentials = EventStoreTlsCredentials.Load(options, certificateRequired: true);
        if (options.RequireClientCertificate)
            return builder.UseTls(tls => credentials.Configure(tls, RemoteCertificateMode.RequireCertificate));

        // The library's UseTls asks the same of silos and clients; here the gateway lets clients in without a certificate while
        // silos still need one, so its three pieces are wired one by one (the library's own middleware, as UseTls does).
        var cluster = Settings(credentials, RemoteCertificateMode.RequireCertificate);
        var gateway = Settings(credentials, RemoteCertificateMode.AllowCertificate);
        return builder.Configure<SiloConnectionOptions>(connections =>
        {
            connections.ConfigureSiloInboundConnection(connection => connection.UseServerTls(cluster));
            connections.ConfigureGatewayInboundConnection(connection => connection.UseServerTls(gateway));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClientTls(cluster));
        });
    }

    private static TlsOptions Settings(EventStoreTlsCredentials credentials, RemoteCertificateMode remoteCertificateMode)
    {
        var tls = new TlsOptions();
        credentials.Configure(tls, remoteCertificateMode);
        return tls;
    }
}
