using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;

namespace EventStore.Hosting;

/// <summary>How silos find each other and clients find silos.</summary>
public enum ClusterProvider
{
    /// <summary>One silo on this machine (Orleans' localhost clustering). The default.</summary>
    Localhost,

    /// <summary>
    /// Silos of one cluster share a membership table in PostgreSQL (Orleans' ADO.NET clustering, installed by the
    /// silos at start); clients read the live gateways from it.
    /// </summary>
    Postgres,
}

/// <summary>
/// How a silo joins its cluster and how a client reaches it. Bound from the <c>EventStore:Cluster</c> configuration
/// section by the silo and by src/ClientDemo; <see cref="Read"/> also accepts the older <c>EventStore:Silo</c> keys.
/// </summary>
public sealed class EventStoreClusterOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "EventStore:Cluster";

    /// <summary>
    /// The section that held <see cref="SiloPort"/>, <see cref="GatewayPort"/>, <see cref="ServiceId"/> and
    /// <see cref="ClusterId"/> before there was a cluster section; still read, unless the same key is set in both.
    /// </summary>
    public const string LegacySectionName = "EventStore:Silo";

    /// <summary>Which membership the silo uses. Default <see cref="ClusterProvider.Localhost"/>.</summary>
    public ClusterProvider Provider { get; set; } = ClusterProvider.Localhost;

    /// <summary>
    /// Npgsql connection string of the membership database (with <see cref="ClusterProvider.Postgres"/>). Default: the
    /// journal's <c>EventStore:Journal:ConnectionString</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Orleans' service id: what survives redeployments. Every silo and client of one store uses the same. Default
    /// <c>agent-event-store</c>.
    /// </summary>
    public string ServiceId { get; set; } = "agent-event-store";

    /// <summary>Orleans' cluster id: silos with the same one form one cluster, and clients join it. Default <c>dev</c>.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The silo-to-silo port. Default 11111; each silo on one machine needs its own.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The port clients connect to (the gateway). Default 30000; each silo on one machine needs its own.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// The IP address this silo publishes in the membership table, which other silos and clients dial (with
    /// <see cref="ClusterProvider.Postgres"/>). Default <c>127.0.0.1</c>: every silo on this machine. A silo on another
    /// machine must publish an address the others can reach, which needs <see cref="ListenOnAnyAddress"/>.
    /// </summary>
    public string AdvertisedAddress { get; set; } = "127.0.0.1";

    /// <summary>
    /// Whether the silo listens on every network interface (0.0.0.0) instead of loopback only. Default false:
    /// nothing outside this machine can reach the silo. Orleans has no authentication of its own: only set this on a
    /// trusted network (or with TLS).
    /// </summary>
    public bool ListenOnAnyAddress { get; set; }

    /// <summary>
    /// For clients only: a fixed list of gateways (<c>ip:port</c>, e.g. <c>127.0.0.1:30000</c>) to connect to with
    /// <see cref="ClusterProvider.Localhost"/>, instead of the one on <see cref="GatewayPort"/>. Ignored by silos.
    /// </summary>
    public IList<string> Gateways { get; set; } = [];

    /// <summary>
    /// Reads the <see cref="SectionName"/> section, then the older <see cref="LegacySectionName"/> keys where the
    /// section does not set them, and defaults <see cref="ConnectionString"/> to <c>EventStore:Journal:ConnectionString</c>;
    /// then <see cref="Validate"/>s. Throws <see cref="ArgumentException"/> naming the setting that is wrong.
    /// </summary>
    public static EventStoreClusterOptions Read(IConfiguration configuration)
    {
        var options = new EventStoreClusterOptions();
        var section = configuration.GetSection(SectionName);
        var legacy = configuration.GetSection(LegacySectionName);
        foreach (var key in new[] { nameof(SiloPort), nameof(GatewayPort), nameof(ServiceId), nameof(ClusterId) })
        {
            if (legacy[key] is not { } old) continue;
            if (section[key] is { } current && current != old)
                throw new ArgumentException(
                    $"{LegacySectionName}:{key} ('{old}') and {SectionName}:{key} ('{current}') disagree; {key} has moved to {SectionName}: set it there only.");
            options.Bind(key, old);
        }
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException e)
        {
            throw new ArgumentException($"{SectionName}: {e.Message}", e);
        }
        options.ConnectionString ??= configuration["EventStore:Journal:ConnectionString"];
        options.Validate();
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is wrong.</summary>
    public void Validate()
    {
        if (!Enum.IsDefined(Provider))
            throw new ArgumentException($"{SectionName}:Provider must be {ClusterProvider.Localhost} or {ClusterProvider.Postgres}.");
        if (string.IsNullOrWhiteSpace(ServiceId)) throw new ArgumentException($"{SectionName}:ServiceId must not be empty.");
        if (string.IsNullOrWhiteSpace(ClusterId)) throw new ArgumentException($"{SectionName}:ClusterId must not be empty.");
        ValidatePort(nameof(SiloPort), SiloPort);
        ValidatePort(nameof(GatewayPort), GatewayPort);
        if (SiloPort == GatewayPort) throw new ArgumentException($"{SectionName}:SiloPort and GatewayPort must differ (both are {SiloPort}).");
        if (!IPAddress.TryParse(AdvertisedAddress, out var advertised))
            throw new ArgumentException($"{SectionName}:AdvertisedAddress ('{AdvertisedAddress}') must be an IP address, such as 127.0.0.1 or 10.0.0.5.");
        foreach (var gateway in Gateways) ParseGateway(gateway);

        if (Provider == ClusterProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(ConnectionString))
                throw new ArgumentException(
                    $"{SectionName}:ConnectionString is required with Provider={ClusterProvider.Postgres} (it defaults to EventStore:Journal:ConnectionString, which is not set either).");
            if (Gateways.Count > 0)
                throw new ArgumentException(
                    $"{SectionName}:Gateways is for Provider={ClusterProvider.Localhost}; with {ClusterProvider.Postgres} clients read the live gateways from the membership table.");
            if (!IPAddress.IsLoopback(advertised) && !ListenOnAnyAddress)
                throw new ArgumentException(
                    $"{SectionName}:AdvertisedAddress is {AdvertisedAddress}, but the silo listens on loopback only: other machines could not reach it. "
                    + $"Set {SectionName}:ListenOnAnyAddress=true (on a trusted network), or advertise 127.0.0.1.");
        }
        else
        {
            if (ListenOnAnyAddress || !IPAddress.IsLoopback(advertised))
                throw new ArgumentException(
                    $"{SectionName}:ListenOnAnyAddress and AdvertisedAddress are for Provider={ClusterProvider.Postgres}; localhost clustering always stays on 127.0.0.1.");
        }
    }

    /// <summary>Parses one <see cref="Gateways"/> entry (<c>ip:port</c>); throws <see cref="ArgumentException"/> naming it.</summary>
    public static IPEndPoint ParseGateway(string gateway)
    {
        if (!IPEndPoint.TryParse(gateway, out var endpoint) || endpoint.Port == 0)
            throw new ArgumentException($"{SectionName}:Gateways entry '{gateway}' must be ip:port with a port, such as 127.0.0.1:30000.");
        return endpoint;
    }

    private void Bind(string key, string value)
    {
        try
        {
            switch (key)
            {
                case nameof(SiloPort): SiloPort = int.Parse(value, CultureInfo.InvariantCulture); break;
                case nameof(GatewayPort): GatewayPort = int.Parse(value, CultureInfo.InvariantCulture); break;
                case nameof(ServiceId): ServiceId = value; break;
                case nameof(ClusterId): ClusterId = value; break;
            }
        }
        catch (FormatException e)
        {
            throw new ArgumentException($"{LegacySectionName}:{key} ('{value}') must be a whole number.", e);
        }
    }

    private static void ValidatePort(string key, int port)
    {
        if (port is < 1 or > 65535) throw new ArgumentException($"{SectionName}:{key} must be between 1 and 65535 (it is {port}).");
    }
}
