using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace EventStore.ClientDemo;

/// <summary>The demo's own switches. How it reaches the cluster is the silo's <c>EventStore:Cluster</c> section (see <c>ClusterConnection</c>).</summary>
/// <param name="GatewayPort">The local silo's gateway port.</param>
/// <param name="RecordPath">With <c>--record FILE</c>: where to save the receipts and states of the run.</param>
/// <param name="VerifyPath">With <c>--verify FILE</c>: skip the scenario and check the states recorded there.</param>
internal sealed record DemoOptions(int GatewayPort, string? RecordPath = null, string? VerifyPath = null)
{
    /// <summary>The gateway port used when none is given.</summary>
    public const int DefaultGatewayPort = 30000;

    /// <summary>Configuration key of the gateway port (environment: <c>Demo__GatewayPort</c>).</summary>
    public const string GatewayPortKey = "Demo:GatewayPort";

    /// <summary>Maps the <c>--gateway-port N</c> switch onto <see cref="GatewayPortKey"/>.</summary>
    public static IDictionary<string, string> SwitchMappings { get; } =
        new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["--gateway-port"] = GatewayPortKey,
            ["--record"] = "Demo:Record",
            ["--verify"] = "Demo:Verify",
        };

    /// <summary>Reads the options; throws <see cref="FormatException"/> with a readable message when the port is invalid.</summary>
    public static DemoOptions From(IConfiguration configuration)
    {
        var (record, verify) = (configuration["Demo:Record"], configuration["Demo:Verify"]);
        var raw = configuration[GatewayPortKey];
        if (string.IsNullOrWhiteSpace(raw))
        {
            return new DemoOptions(DefaultGatewayPort, record, verify);
        }

        if (!int.TryParse(raw.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException(
                $"Invalid gateway port '{raw}': expected a whole number between 1 and 65535 (use --gateway-port N).");
        }

        return new DemoOptions(port, record, verify);
    }
}
