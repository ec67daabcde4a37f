using System.Diagnostics;

namespace EventStore.Tests.Infrastructure;

/// <summary>
/// Finds the folder holding PostgreSQL's server programs (<c>initdb</c> and <c>postgres</c>):
/// <c>pg_config --bindir</c> first, then Debian's <c>/usr/lib/postgresql/*/bin</c> (newest version first), then PATH.
/// </summary>
internal static class PostgresBinaries
{
    /// <summary>What to do when neither the programs nor a server are there; the tests fail with this text.</summary>
    public const string HowToInstall =
        "PostgreSQL's server programs (initdb, postgres) were not found: looked in `pg_config --bindir`, /usr/lib/postgresql/*/bin and PATH. "
        + "Install them (on Debian or Ubuntu, as root: `apt-get install -y postgresql`; .ci/run does this), "
        + $"or set {PostgresServer.ConnectionStringVariable} to the connection string of a PostgreSQL server where that user may CREATE DATABASE "
        + "(e.g. `Host=127.0.0.1;Port=5432;Username=postgres;Password=...`).";

    /// <summary>The folder with <c>initdb</c> and <c>postgres</c>; throws with <see cref="HowToInstall"/> if there is none.</summary>
    public static string Locate() => Locate(Candidates());

    /// <summary>The first of <paramref name="folders"/> with both programs; throws with <see cref="HowToInstall"/> if none has them.</summary>
    public static string Locate(IEnumerable<string> folders) =>
        folders.FirstOrDefault(HasServerPrograms) ?? throw new InvalidOperationException(HowToInstall);

    private static IEnumerable<string> Candidates()
    {
        // pg_config may come from libpq-dev alone (client only); the check below skips such a folder.
        if (PgConfigBinDir() is { } fromPgConfig) yield return fromPgConfig;
        if (Directory.Exists("/usr/lib/postgresql"))
            foreach (var folder in Directory.GetDirectories("/usr/lib/postgresql")
                         .OrderByDescending(f => int.TryParse(Path.GetFileName(f), out var version) ? version : -1))
                yield return Path.Combine(folder, "bin");
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            yield return folder;
    }

    private static bool HasServerPrograms(string folder) =>
        File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "postgres"));

    private static string? PgConfigBinDir()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("pg_config", "--bindir")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            });
            if (process is null) return null;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no pg_config on PATH
        }
    }
}
