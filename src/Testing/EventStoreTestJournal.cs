using Microsoft.Data.Sqlite;

namespace EventStore.Testing;

/// <summary>
/// A folder of its own under the system's temporary folder for one test cluster's SQLite journal. Create it before the
/// cluster; dispose it after the cluster has stopped: that deletes the folder and everything in it.
/// </summary>
public sealed class EventStoreTestJournal : IDisposable
{
    /// <summary>Makes a new, empty folder under <c>{temp}/eventstore-tests</c>.</summary>
    public EventStoreTestJournal()
    {
        Folder = Path.Combine(Path.GetTempPath(), "eventstore-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    /// <summary>The folder, deleted by <see cref="Dispose"/>.</summary>
    public string Folder { get; }

    /// <summary>The journal's SQLite file in <see cref="Folder"/>.</summary>
    public string DatabasePath => Path.Combine(Folder, "events.db");

    /// <summary>Closes pooled connections to the file and deletes the folder (best effort: a file still open stays behind).</summary>
    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
