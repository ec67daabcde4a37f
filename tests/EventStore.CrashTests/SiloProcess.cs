using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;

namespace EventStore.CrashTests;

/// <summary>
/// The real silo (src/Silo, EventStore.Silo.dll) running as a separate process (on a journal file, or with any
/// settings), on free loopback ports, with its console output kept for diagnostics. <see cref="Kill"/> is SIGKILL.
/// </summary>
internal sealed class SiloProcess : IDisposable
{
    private const int OutputLinesKept = 400;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private SiloProcess(Process process, int siloPort, int gatewayPort)
    {
        (_process, Pid, SiloPort, GatewayPort) = (process, process.Id, siloPort, gatewayPort);
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The silo's build output, resolved by the project reference at build time.</summary>
    public static string BuiltSiloAssembly { get; } =
        typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SiloAssembly").Value
        ?? throw new InvalidOperationException("The SiloAssembly metadata is missing from the test assembly.");

    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort { get; }

    /// <summary>The client gateway port.</summary>
    public int GatewayPort { get; }

    /// <summary>The process id (kept: a failure report may ask for it after the process was disposed).</summary>
    public int Pid { get; }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the silo printed.</summary>
    public string RecentOutput => string.Join(Environment.NewLine, _output);

    /// <summary>
    /// Starts <paramref name="siloAssembly"/> with <c>dotnet</c>, every setting on the command line as an
    /// operator would pass it. Returns at once; the silo is ready when a client can connect.
    /// </summary>
    public static SiloProcess Start(string siloAssembly, string databasePath, string durability, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["EventStore:Journal:DatabasePath"] = databasePath,
            ["EventStore:Journal:Durability"] = durability,
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>()) settings[key] = value;
        return Start(siloAssembly, Path.GetDirectoryName(databasePath)!, settings);
    }

    /// <summary>
    /// Starts <paramref name="siloAssembly"/> in <paramref name="workingDirectory"/> with <paramref name="settings"/> on the
    /// command line, on <paramref name="ports"/> (silo, gateway) or on two free ones. Returns at once.
    /// </summary>
    public static SiloProcess Start(string siloAssembly, string workingDirectory, IReadOnlyDictionary<string, string> settings, (int Silo, int Gateway)? ports = null)
    {
        var (siloPort, gatewayPort) = ports ?? FreePorts();
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        info.ArgumentList.Add(siloAssembly);
        var all = new Dictionary<string, string>(settings)
        {
            ["EventStore:Cluster:SiloPort"] = siloPort.ToString(),
            ["EventStore:Cluster:GatewayPort"] = gatewayPort.ToString(),
        };
        foreach (var (key, value) in all) info.ArgumentList.Add($"--{key}={value}");
        // The silo must not inherit the test host's own settings (environment, hosting switches).
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {siloAssembly}.");
        return new SiloProcess(process, siloPort, gatewayPort);
    }

    /// <summary>
    /// SIGTERM, as Ctrl+C or <c>kill</c>: the silo shuts down cleanly. Waits until the process is gone and
    /// everything it printed has been read.
    /// </summary>
    public void Stop()
    {
        if (!_process.HasExited && SendSignal(_process.Id, SigTerm) != 0)
            throw new InvalidOperationException($"Could not send SIGTERM to the silo (pid {Pid}): error {Marshal.GetLastPInvokeError()}.");
        if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
            throw new InvalidOperationException($"The silo (pid {Pid}) did not stop within 60 s of SIGTERM.");
        _process.WaitForExit(); // and until its output is drained
    }

    private const int SigTerm = 15;

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    /// <summary>SIGKILL, as <c>kill -9</c>: no shutdown code of the silo runs. Waits until the process is gone.</summary>
    public void Kill()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        if (!_process.WaitForExit(TimeSpan.FromSeconds(30)))
            throw new InvalidOperationException($"The silo (pid {Pid}) did not die within 30 s of SIGKILL.");
    }

    /// <summary>Kills the process if it still runs (also when a test failed half-way).</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) Kill();
        }
        catch (InvalidOperationException)
        {
            // never started or already reaped
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        _output.Enqueue(line);
        while (_output.Count > OutputLinesKept) _output.TryDequeue(out _);
    }

    /// <summary>The dotnet host running this test (so that the silo runs on the same runtime), or "dotnet" from PATH.</summary>
    private static string DotnetHost()
    {
        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet") return current;
        var fromSdk = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return string.IsNullOrEmpty(fromSdk) ? "dotnet" : fromSdk;
    }

    /// <summary>Two distinct ports that were free a moment ago (the OS hands out ephemeral ports in sequence, so reuse is unlikely).</summary>
    private static (int, int) FreePorts()
    {
        using var first = new TcpListener(IPAddress.Loopback, 0);
        using var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        var ports = (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
        first.Stop();
        second.Stop();
        return ports;
    }
}
