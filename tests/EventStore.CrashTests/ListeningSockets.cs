using System.Globalization;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace EventStore.CrashTests;

/// <summary>Where a process listens, read from the kernel (<c>/proc/net/tcp</c>, <c>/proc/net/tcp6</c>), and whether a port answers on an address.</summary>
internal static class ListeningSockets
{
    /// <summary>The local addresses of every listening TCP socket on <paramref name="port"/>.</summary>
    public static IReadOnlyList<IPAddress> On(int port)
    {
        var found = new List<IPAddress>();
        foreach (var (file, v6) in new[] { ("/proc/net/tcp", false), ("/proc/net/tcp6", true) })
        {
            if (!File.Exists(file)) continue;
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length < 4 || columns[3] != "0A") continue; // 0A = LISTEN
                var local = columns[1].Split(':');
                if (int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) != port) continue;
                found.Add(Parse(local[0], v6));
            }
        }
        return found;
    }

    /// <summary>How many established TCP connections on this machine go to <paramref name="port"/> (remote side).</summary>
    public static int EstablishedTo(int port)
    {
        var count = 0;
        foreach (var file in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(file)) continue;
            foreach (var line in File.ReadLines(file).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length < 4 || columns[3] != "01") continue; // 01 = ESTABLISHED
                var remote = columns[2].Split(':');
                if (int.Parse(remote[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port) count++;
            }
        }
        return count;
    }

    /// <summary>The machine's own IPv4 addresses other than loopback (those a remote host could reach).</summary>
    public static IReadOnlyList<IPAddress> NonLoopbackAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a))
            .ToList();

    /// <summary>Tries a TCP connection; returns the socket error (ConnectionRefused…) or Success.</summary>
    public static async Task<SocketError> TryConnect(IPAddress address, int port)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await socket.ConnectAsync(new IPEndPoint(address, port), timeout.Token);
            return SocketError.Success;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode;
        }
        catch (OperationCanceledException)
        {
            return SocketError.TimedOut;
        }
    }

    /// <summary>/proc/net prints each 32-bit word of the address in host byte order (little-endian here).</summary>
    private static IPAddress Parse(string hex, bool v6)
    {
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
            for (var b = 0; b < 4; b++)
                bytes[word * 4 + b] = byte.Parse(hex.AsSpan(word * 8 + (3 - b) * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        var address = new IPAddress(bytes);
        return v6 && address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
    }
}
