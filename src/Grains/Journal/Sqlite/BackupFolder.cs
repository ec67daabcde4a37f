using System.Runtime.InteropServices;
using EventStore.Errors;

namespace EventStore.Journal.Sqlite;

/// <summary>
/// The one folder online backups are written to. A caller names only a file in it; the journal's own
/// files are out of reach (compared by real path, whatever links lead there), and a finished copy is
/// published under its name only if nothing has that name yet: a backup never replaces a file.
/// </summary>
internal sealed class BackupFolder
{
    /// <summary>Longest backup file name accepted, in characters.</summary>
    public const int MaxFileNameLength = 128;

    private const string Argument = "fileName";
    private static readonly string[] JournalSuffixes = ["", "-wal", "-shm", "-journal"];
    private readonly string _journalPath;

    public BackupFolder(string? configuredFolder, string journalPath)
    {
        _journalPath = Path.GetFullPath(journalPath);
        FullPath = Path.GetFullPath(configuredFolder ?? Path.Combine(Path.GetDirectoryName(_journalPath)!, "backups"));
    }

    /// <summary>The folder, absolute, as configured.</summary>
    public string FullPath { get; }

    /// <summary>
    /// Where a backup named <paramref name="fileName"/> goes; refuses (writing nothing) a name that is not a plain
    /// file name, that names one of the journal's files, or that is taken.
    /// </summary>
    public string Destination(string? fileName)
    {
        CheckPlainName(fileName);
        var destination = Path.Combine(FullPath, fileName!);
        if (IsJournalFile(destination))
            throw new InvalidCommandException(Argument,
                $"'{fileName}' would be the journal's own file or one of its companions (-wal, -shm, -journal); choose another name");
        if (Exists(destination)) throw Taken(fileName!);
        return destination;
    }

    /// <summary>A new, empty file with a unique name in the folder, created exclusively (never an existing file or link).</summary>
    public string CreateTemporary()
    {
        Directory.CreateDirectory(FullPath);
        var temporary = Path.Combine(FullPath, $".backup-{Guid.NewGuid():N}.partial");
        new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite).Dispose();
        return temporary;
    }

    /// <summary>Gives the finished copy its name, unless something has that name by now: then the copy is deleted and the call refused.</summary>
    public void Publish(string temporary, string destination)
    {
        if (PublishWithoutReplacing(temporary, destination)) return;
        Delete(temporary);
        throw Taken(Path.GetFileName(destination));
    }

    /// <summary>
    /// Gives <paramref name="temporary"/> the name <paramref name="destination"/> only if nothing has it, atomically.
    /// On Linux and macOS <c>File.Move(…, overwrite: false)</c> checks and then renames, so two backups to one name
    /// could both succeed (seen in a test); a hard link fails with EEXIST instead, in one step.
    /// </summary>
    private static bool PublishWithoutReplacing(string temporary, string destination)
    {
        if (OperatingSystem.IsWindows())
        {
            try
            {
                File.Move(temporary, destination, overwrite: false); // MoveFileEx without REPLACE_EXISTING: atomic
                return true;
            }
            catch (IOException) when (Exists(destination))
            {
                return false;
            }
        }
        if (NativeLink(temporary, destination) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error == AlreadyExists) return false;
            throw new IOException($"The backup could not be named '{Path.GetFileName(destination)}' (link failed, errno {error}).");
        }
        File.Delete(temporary);
        return true;
    }

    private const int AlreadyExists = 17; // EEXIST on Linux and macOS

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int NativeLink([MarshalAs(UnmanagedType.LPUTF8Str)] string existing, [MarshalAs(UnmanagedType.LPUTF8Str)] string created);

    /// <summary>Deletes a temporary copy and any file SQLite kept beside it; best effort, so that the error that stopped the backup is the one reported.</summary>
    public static void Delete(string temporary)
    {
        foreach (var suffix in JournalSuffixes)
        {
            try
            {
                File.Delete(temporary + suffix);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Left behind under a name no backup call can give; the next cleanup of the folder removes it.
            }
        }
    }

    private static void CheckPlainName(string? fileName)
    {
        if (string.IsNullOrWhiteSpace(fileName)) throw new InvalidCommandException(Argument, "must not be empty");
        if (fileName.Length > MaxFileNameLength)
            throw new InvalidCommandException(Argument, $"is {fileName.Length} characters long, over the limit of {MaxFileNameLength}");
        if (fileName.IndexOfAny(['/', '\\']) >= 0 || Path.IsPathRooted(fileName))
            throw new InvalidCommandException(Argument, "is a path; give a plain file name, written to the backup folder set by EventStore:Journal:BackupFolder");
        if (fileName.Contains("..", StringComparison.Ordinal)) throw new InvalidCommandException(Argument, "must not contain '..'");
        if (!char.IsAsciiLetterOrDigit(fileName[0]) || !fileName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            throw new InvalidCommandException(Argument, "may hold only letters, digits, '.', '-' and '_', and must start with a letter or digit");
    }

    /// <summary>
    /// Whether the name in this folder, reached as configured or by the folder's real path, is one of the journal's
    /// files, reached by its path or its real path (ignoring case, as some file systems do). A link with the name
    /// inside the folder is not followed: it exists, so nothing is written there.
    /// </summary>
    private bool IsJournalFile(string destination)
    {
        string[] candidates = [destination, Path.Combine(RealPath.Of(FullPath), Path.GetFileName(destination))];
        string[] journals = [_journalPath, RealPath.Of(_journalPath)];
        return candidates.Any(candidate => journals.Any(journal =>
            JournalSuffixes.Any(suffix => string.Equals(candidate, journal + suffix, StringComparison.OrdinalIgnoreCase))));
    }

    /// <summary>Whether anything has this name: a file, a folder, or a link (even one leading nowhere).</summary>
    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static InvalidCommandException Taken(string fileName) =>
        new(Argument, $"a file named '{fileName}' already exists in the backup folder; a backup never replaces a file");
}
