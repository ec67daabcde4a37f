namespace EventStore.Journal.Sqlite;

/// <summary>Resolves the symbolic links along a path, so that two paths to one file compare equal.</summary>
internal static class RealPath
{
    private const int MaxLinks = 40;

    /// <summary>The absolute path with every symbolic link along it resolved, as far as the path exists.</summary>
    public static string Of(string path)
    {
        var current = Path.GetFullPath(path);
        for (var links = 0; links < MaxLinks; links++)
        {
            if (ResolveFirstLink(current) is not { } resolved) return current;
            current = resolved;
        }
        throw new IOException($"Too many symbolic links along '{path}'.");
    }

    /// <summary>The path with its first symbolic link replaced by the link's target; null if no part of it is a link.</summary>
    private static string? ResolveFirstLink(string fullPath)
    {
        var root = Path.GetPathRoot(fullPath) ?? "";
        var parts = fullPath[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var parent = current;
            current = Path.Combine(current, parts[i]);
            var info = new FileInfo(current);
            if (info.LinkTarget is { } target)
                return Path.GetFullPath(Path.Combine([Path.Combine(parent, target), .. parts[(i + 1)..]]));
            if (!info.Exists && !Directory.Exists(current)) return null; // the rest does not exist yet: no link in it
        }
        return null;
    }
}
