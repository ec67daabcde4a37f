using EventStore.Hosting;
using Microsoft.Extensions.Configuration;

namespace EventStore.Tests.Hosting;

/// <summary>The <c>EventStore:Cluster</c> settings as the silo and the client demo read them.</summary>
public sealed class EventStoreClusterOptionsTests
{
    [Fact]
    public void Defaults_are_one_silo_on_localhost_with_the_former_ports_and_ids()
    {
        var options = Read([]);
        Assert.Equal((ClusterProvider.Localhost, 11111, 30000, "agent-event-store", "dev", "127.0.0.1", false),
            (options.Provider, options.SiloPort, options.GatewayPort, options.ServiceId, options.ClusterId, options.AdvertisedAddress, options.ListenOnAnyAddress));
    }

    [Fact]
    public void The_former_EventStore_Silo_keys_still_apply_where_the_cluster_section_does_not_set_them()
    {
        var options = Read(new() { ["EventStore:Silo:SiloPort"] = "12000", ["EventStore:Silo:ClusterId"] = "old", ["EventStore:Cluster:GatewayPort"] = "31000" });
        Assert.Equal((12000, 31000, "old"), (options.SiloPort, options.GatewayPort, options.ClusterId));
    }

    [Fact]
    public void The_connection_string_defaults_to_the_journals()
    {
        var options = Read(new() { ["EventStore:Cluster:Provider"] = "Postgres", ["EventStore:Journal:ConnectionString"] = "Host=db;Database=events" });
        Assert.Equal("Host=db;Database=events", options.ConnectionString);
    }

    [Theory]
    [InlineData("EventStore:Silo:SiloPort=12000|EventStore:Cluster:SiloPort=13000", "EventStore:Silo:SiloPort ('12000') and EventStore:Cluster:SiloPort ('13000') disagree")]
    [InlineData("EventStore:Cluster:Provider=Postgres", "EventStore:Cluster:ConnectionString is required")]
    [InlineData("EventStore:Cluster:Provider=Postgres|EventStore:Cluster:ConnectionString=Host=db|EventStore:Cluster:AdvertisedAddress=10.0.0.5",
        "Set EventStore:Cluster:ListenOnAnyAddress=true")]
    [InlineData("EventStore:Cluster:ListenOnAnyAddress=true", "are for Provider=Postgres")]
    [InlineData("EventStore:Cluster:AdvertisedAddress=db.local", "must be an IP address")]
    [InlineData("EventStore:Cluster:SiloPort=30000", "SiloPort and GatewayPort must differ")]
    [InlineData("EventStore:Cluster:GatewayPort=70000", "EventStore:Cluster:GatewayPort must be between 1 and 65535")]
    [InlineData("EventStore:Cluster:Gateways:0=localhost", "Gateways entry 'localhost' must be ip:port")]
    [InlineData("EventStore:Cluster:Provider=Kubernetes", "EventStore:Cluster:")]
    public void A_wrong_setting_is_refused_with_its_name(string settings, string message)
    {
        var values = settings.Split('|').Select(s => s.Split('=', 2)).ToDictionary(kv => kv[0], kv => (string?)kv[1]);
        var error = Assert.Throws<ArgumentException>(() => Read(values));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static EventStoreClusterOptions Read(Dictionary<string, string?> values) =>
        EventStoreClusterOptions.Read(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
}
