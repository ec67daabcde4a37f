using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace EventStore.Tests.Infrastructure;

/// <summary>
/// A private PostgreSQL server in a fresh temporary folder (<c>eventstore-pg-*</c>): initdb with trust authentication,
/// then <c>postgres</c> on a free port of 127.0.0.1 with its unix socket inside the folder, fsync and synchronous_commit on.
/// As root it runs as the unprivileged <c>postgres</c> user (initdb refuses root).
/// </summary>
/// <remarks>
/// The server runs under a small shell watchdog whose standard input is a pipe from this process. When this
/// process ends in any way (normal exit, crash, SIGKILL) the kernel closes the pipe; the watchdog then asks
/// the server for a fast shutdown (SIGINT), kills it after 10 s if it is still there, and deletes the folder.
/// So a crashed test host cannot leave a server running, without relying on a parent-death signal
/// (which .NET cannot set, and which would fire when the starting thread, not the process, ends).
/// </remarks>
internal sealed class LocalPostgres
{
    /// <summary>The prefix of the temporary folders; .ci/run looks for leftover servers under it.</summary>
    public const string FolderPrefix = "eventstore-pg-";

    private const string ServerUser = "postgres";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    // Runs as the server's user: $1 the folder, $2 the postgres program, $3 the port. The server's command line is
    // here rather than in the watchdog's arguments so that only the server itself shows as "postgres -D <folder>".
    private const string Watchdog = """
        root=$1
        exec 3<&0 </dev/null >>"$root/server.log" 2>&1
        "$2" -D "$root/data" -h 127.0.0.1 -p "$3" -k "$root" \
          -c fsync=on -c synchronous_commit=on -c max_connections=300 -c logging_collector=off 3<&- &
        server=$!
        (
          read -r _ <&3
          : > "$root/stop-requested"
          kill -INT "$server" 2>/dev/null
          i=0
          while kill -0 "$server" 2>/dev/null && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
          kill -KILL "$server" 2>/dev/null
        ) &
        watcher=$!
        exec 3<&-
        wait "$server"
        status=$?
        if [ -e "$root/stop-requested" ]; then wait "$watcher"; rm -rf "$root"; else kill "$watcher" 2>/dev/null; fi
        exit "$status"
        """;

    private readonly string _folder;
    private readonly Process _watchdog;
    private int _stopped;

    private LocalPostgres(string folder, Process watchdog, int port)
    {
        _folder = folder;
        _watchdog = watchdog;
        Port = port;
    }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>A connection string for the superuser <c>postgres</c> to the <c>postgres</c> database (no pooling).</summary>
    public string AdminConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = "127.0.0.1", Port = Port, Username = ServerUser, Database = "postgres", Pooling = false, Timeout = 15,
    }.ToString();

    /// <summary>Creates the folder, runs initdb and starts the server; returns once it accepts connections.</summary>
    public static async Task<LocalPostgres> StartAsync()
    {
        var bin = PostgresBinaries.Locate();
        var asServerUser = Environment.IsPrivilegedProcess;
        if (asServerUser) await RequireServerUserAsync();

        var folder = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        try
        {
            // Lets .ci/run tell a leftover (its test host is gone) from a server another test run still uses.
            await File.WriteAllTextAsync(Path.Combine(folder, "owner.pid"), Environment.ProcessId.ToString());
            if (asServerUser) await RunAsync("chown", [ServerUser + ":", folder], folder, "chown");

            var data = Path.Combine(folder, "data");
            await RunAsync(Path.Combine(bin, "initdb"),
                ["-D", data, "-U", ServerUser, "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"], folder, "initdb", asServerUser);

            // A free port can be taken by someone else before the server binds it: try again with another.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreeLoopbackPort();
                string[] arguments = ["-c", Watchdog, "sh", folder, Path.Combine(bin, "postgres"), port.ToString()];
                var watchdog = Process.Start(StartInfo("sh", arguments, folder, asServerUser, redirectInput: true))!;
                watchdog.OutputDataReceived += (_, _) => { };
                watchdog.ErrorDataReceived += (_, _) => { };
                watchdog.BeginOutputReadLine();
                watchdog.BeginErrorReadLine();
                var instance = new LocalPostgres(folder, watchdog, port);
                var failure = await instance.WaitUntilReadyAsync();
                if (failure is null) return instance;
                instance.Stop(deleteFolder: false);
                if (attempt < 3 && failure.Contains("could not bind", StringComparison.Ordinal)) continue;
                throw new InvalidOperationException($"The test PostgreSQL server in {folder} did not start: {failure}");
            }
        }
        catch
        {
            TryDelete(folder);
            throw;
        }
    }

    /// <summary>Fast shutdown (killed if it takes longer than 15 s), then the folder is deleted. Safe to call twice.</summary>
    public void Stop() => Stop(deleteFolder: true);

    private void Stop(bool deleteFolder)
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1) return;
        NpgsqlConnection.ClearAllPools();
        try
        {
            _watchdog.StandardInput.Close(); // the watchdog's cue: stop the server and delete the folder
            if (!_watchdog.WaitForExit(StopTimeout)) KillServer();
        }
        catch (Exception e) when (e is InvalidOperationException or IOException)
        {
            KillServer();
        }
        if (deleteFolder) TryDelete(_folder);
    }

    private void KillServer()
    {
        if (ServerPid() is { } pid)
            try { using var server = Process.GetProcessById(pid); server.Kill(); }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception) { }
        try { _watchdog.Kill(entireProcessTree: true); }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    private int? ServerPid()
    {
        try { return int.TryParse(File.ReadLines(Path.Combine(_folder, "data", "postmaster.pid")).FirstOrDefault(), out var pid) ? pid : null; }
        catch (IOException) { return null; }
    }

    /// <summary>Polls until the server accepts a connection; null when it does, else why not (with the server log's tail).</summary>
    private async Task<string?> WaitUntilReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        Exception? last = null;
        while (deadline.Elapsed < StartTimeout)
        {
            if (_watchdog.HasExited)
                return $"the server exited with code {_watchdog.ExitCode}. Server log:{Environment.NewLine}{LogTail()}";
            try
            {
                await using var connection = new NpgsqlConnection(AdminConnectionString);
                await connection.OpenAsync();
                return null;
            }
            catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
            {
                last = e;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
        return $"it did not accept connections on 127.0.0.1:{Port} within {StartTimeout.TotalSeconds} s (last error: {last?.Message}). Server log:{Environment.NewLine}{LogTail()}";
    }

    private string LogTail()
    {
        var log = Path.Combine(_folder, "server.log");
        try { return string.Join(Environment.NewLine, File.ReadLines(log).TakeLast(30)); }
        catch (IOException) { return "(no server log)"; }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    private static async Task RequireServerUserAsync()
    {
        try
        {
            await RunAsync("id", ["-u", ServerUser], Path.GetTempPath(), "id");
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException(
                $"The tests run as root, and initdb refuses to run as root: the test server runs as the unprivileged user '{ServerUser}', which does not exist. "
                + $"Install Debian's postgresql package (`apt-get install -y postgresql` creates it), create the user (`useradd --system {ServerUser}`), "
                + $"run the tests as a non-root user, or set {PostgresServer.ConnectionStringVariable}.", e);
        }
    }

    private static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, string workingDirectory, bool asServerUser, bool redirectInput = false)
    {
        var info = new ProcessStartInfo(asServerUser ? "runuser" : program)
        {
            WorkingDirectory = workingDirectory, UseShellExecute = false,
            RedirectStandardInput = redirectInput, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        if (asServerUser) foreach (var word in (string[])["-u", ServerUser, "--", program]) info.ArgumentList.Add(word);
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }

    private static async Task RunAsync(string program, IEnumerable<string> arguments, string workingDirectory, string what, bool asServerUser = false)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var process = Process.Start(StartInfo(program, arguments, workingDirectory, asServerUser))!;
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{what} did not finish within 2 minutes.");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{what} failed with exit code {process.ExitCode}:{Environment.NewLine}{await output}{await errors}");
    }

    private static void TryDelete(string folder)
    {
        try { if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }
}
