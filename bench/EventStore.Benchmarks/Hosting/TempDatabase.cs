using Microsoft.Data.Sqlite;

namespace EventStore.Benchmarks.Hosting;

/// <summary>A fresh database file in its own temporary folder, deleted with the folder afterwards.</summary>
internal sealed class TempDatabase : IDisposable
{
    private readonly string _folder = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "eventstore-bench", Guid.NewGuid().ToString("N"));

    public TempDatabase()
    {
        Directory.CreateDirectory(_folder);
        Path = System.IO.Path.Combine(_folder, "events.db");
    }

    /// <summary>The database file (not created yet).</summary>
    public string Path { get; }

    /// <summary>Size of the database file and its WAL, in bytes.</summary>
    public long SizeBytes => Size(Path) + Size(Path + "-wal");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"  (could not delete {_folder}: {ex.Message})");
        }
    }

    private static long Size(string path) => File.Exists(path) ? new FileInfo(path).Length : 0;
}
