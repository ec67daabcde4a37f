using EventStore.Aggregates;
using EventStore.Errors;
using EventStore.Journal;
using EventStore.Journal.Sqlite;
using EventStore.Store;
using EventStore.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using static EventStore.Tests.Reliability.ReliabilityKit;

namespace EventStore.Tests.Reliability;

/// <summary>
/// The file system refusing writes under a running silo: the journal made immutable (<c>chattr +i</c>: as
/// root, <c>chmod</c> would not stop writes) and the disk filled up (a 2 MiB tmpfs). They need Linux and
/// root; without them they fail with a message saying so, rather than pass without testing anything.
/// Every flag and mount is undone in a finally block, even when an assertion fails.
/// </summary>
public sealed class FileSystemFaultTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_journal_made_immutable_fails_appends_clearly_and_they_succeed_again_once_it_is_writable()
    {
        var path = ReliabilityCluster.NewDatabasePath();
        string[] files = [path, path + "-wal"];
        var flagged = new List<string>();
        try
        {
            await using var cluster = await ReliabilityCluster.StartAsync(path, j => j.BusyTimeout = TimeSpan.FromSeconds(1));
            var agentId = Ids.New("agent");
            var agent = cluster.Client.GetGrain<IAgentGrain>(agentId);
            var store = cluster.Client.GetEventStore();
            await agent.Spawn("coder", AgentDomain.Core, []);
            Assert.All(files, f => Assert.True(File.Exists(f), $"{f} should exist once the journal has written"));
            var rowsBefore = cluster.Journal.Rows();
            var (startId, ledgerId) = (Ids.New("start"), Ids.New("ledger"));
            var note = Note("refused while immutable");

            JournalUnavailableException commandError, appendError;
            try
            {
                foreach (var file in files)
                {
                    var (code, text) = Shell.Run("chattr", "+i", file);
                    Assert.True(code == 0, $"`chattr +i {file}` failed (exit {code}): {text}. This test needs Linux, root and a file system with the immutable flag (ext4 here).");
                    flagged.Add(file);
                }
                commandError = await Assert.ThrowsAsync<JournalUnavailableException>(() => agent.Start(new CommandContext { EventId = startId }).WaitAsync(NoHang));
                appendError = await Assert.ThrowsAsync<JournalUnavailableException>(() => store.Append(ledgerId, "ledger", [note]).WaitAsync(NoHang));
                Assert.Equal(rowsBefore, cluster.Journal.Rows()); // reads still work, and nothing was written
                Assert.Equal(1, (await agent.GetState()).Version);
            }
            finally
            {
                foreach (var file in flagged.ToList())
                    if (Shell.Run("chattr", "-i", file).ExitCode == 0) flagged.Remove(file);
            }

            output.WriteLine($"command: {commandError.Message}{Environment.NewLine}append: {appendError.Message}");
            // SQLite reports the refused write of the open WAL file as an I/O error (EPERM), or a read-only database once it reopens.
            foreach (var error in new[] { commandError, appendError })
            {
                Assert.Contains($"could not commit to '{path}'", error.Message);
                Assert.Matches("disk I/O error|readonly|read-only", error.Message);
            }
            Assert.Equal(rowsBefore, cluster.Journal.Rows());
            // Writable again: the same grain and store take the same commands, nothing restarted.
            Assert.Equal((startId, 2L), ((await agent.Start(new CommandContext { EventId = startId })).EventId, (await agent.GetState()).Version));
            Assert.Equal(1, (await store.Append(ledgerId, "ledger", [note])).Version);
            JournalAssert.IsConsistent(cluster.Journal.Rows());
            await AssertAgentMatchesJournal(cluster.Client, agentId);
            await AssertProjectionsConverge(cluster.Client, cluster.Journal);
        }
        finally
        {
            foreach (var file in flagged) Shell.Run("chattr", "-i", file);
            ReliabilityCluster.DeleteFolder(path);
        }
    }

    /// <summary>
    /// The same fault while readers keep going. While the file cannot be written, SQLite opens any new connection
    /// read-only instead of failing, and those connections go back to the readers' pool. The writer must never get one:
    /// when it reopened its connection from that shared pool after a failed commit, appends kept failing with
    /// "attempt to write a readonly database" long after the file was writable again (a bug these tests found).
    /// </summary>
    [Fact]
    public async Task Connections_readers_open_while_the_journal_is_immutable_never_reach_the_writer()
    {
        var path = ReliabilityCluster.NewDatabasePath();
        string[] files = [path, path + "-wal"];
        var flagged = new List<string>();
        try
        {
            var busyTimeout = TimeSpan.FromSeconds(1);
            await using var cluster = await ReliabilityCluster.StartAsync(path, j => j.BusyTimeout = busyTimeout);
            var store = cluster.Client.GetEventStore();
            var ledger = Ids.New("ledger");
            await store.Append(ledger, "ledger", [Note("before")]);
            try
            {
                foreach (var file in files)
                {
                    Shell.Require("chattr", "+i", file);
                    flagged.Add(file);
                }
                await Assert.ThrowsAsync<JournalUnavailableException>(() => store.Append(ledger, "ledger", [Note("refused")]).WaitAsync(NoHang));
                // Queries go on meanwhile, more at once than the pool holds idle, so it opens new connections; and the same
                // through the journal's own connection factory (the same pool), 16 at once, returned last opened, last.
                var reads = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => store.GetEvents(ledger)));
                Assert.All(reads, events => Assert.Single(events));
                var factory = new SqliteConnectionFactory(new JournalOptions { DatabasePath = path, BusyTimeout = busyTimeout });
                var readers = Enumerable.Range(0, 16).Select(_ => factory.OpenReader()).ToList();
                foreach (var reader in readers)
                {
                    using var count = reader.CreateCommand();
                    count.CommandText = "SELECT COUNT(*) FROM events";
                    Assert.Equal(1L, (long)count.ExecuteScalar()!);
                }
                readers.ForEach(r => r.Dispose());
            }
            finally
            {
                foreach (var file in flagged.ToList())
                    if (Shell.Run("chattr", "-i", file).ExitCode == 0) flagged.Remove(file);
            }

            // Writable again: the very next appends succeed, with no restart.
            for (var i = 0; i < 5; i++)
            {
                var error = await Record.ExceptionAsync(() => store.Append(ledger, "ledger", [Note($"after {i}")]).WaitAsync(NoHang));
                Assert.True(error is null, $"append {i + 1} once the file was writable again failed: {error?.Message}");
            }
            Assert.Equal(6, (await store.GetEvents(ledger)).Count);
            JournalAssert.IsConsistent(cluster.Journal.Rows());
        }
        finally
        {
            foreach (var file in flagged) Shell.Run("chattr", "-i", file);
            ReliabilityCluster.DeleteFolder(path);
        }
    }

    [Fact]
    public async Task A_full_disk_fails_appends_clearly_loses_nothing_acknowledged_and_appends_succeed_again_once_space_is_freed()
    {
        var folder = Path.Combine(Path.GetTempPath(), "eventstore-tests", "reliability", Guid.NewGuid().ToString("N"));
        var disk = Path.Combine(folder, "disk");
        Directory.CreateDirectory(disk);
        var (mountCode, mountText) = Shell.Run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", disk);
        Assert.True(mountCode == 0,
            $"`mount -t tmpfs -o size=2m tmpfs {disk}` failed (exit {mountCode}): {mountText}. This test needs Linux and root (CAP_SYS_ADMIN) to mount a small disk it can fill.");
        try
        {
            var path = Path.Combine(disk, "events.db");
            var filler = Path.Combine(disk, "filler");
            var acknowledged = new List<EventReceipt>();
            await using (var cluster = await ReliabilityCluster.StartAsync(path, j => j.BusyTimeout = TimeSpan.FromSeconds(1)))
            {
                var store = cluster.Client.GetEventStore();
                var agentId = Ids.New("agent");
                var agent = cluster.Client.GetGrain<IAgentGrain>(agentId);
                acknowledged.Add(await agent.Spawn("coder", AgentDomain.Core, []));
                var ledger = Ids.New("ledger");
                for (var i = 0; i < 10; i++) acknowledged.AddRange((await store.Append(ledger, "ledger", [Note(new string('x', 1000))])).Events);

                var fillerBytes = Fill(filler);
                output.WriteLine($"filler: {fillerBytes:N0} bytes until the disk was full");

                // Appends go on until the disk refuses one; everything acknowledged before is kept.
                JournalUnavailableException? full = null;
                NewEvent? refused = null;
                for (var i = 0; i < 500 && full is null; i++)
                {
                    refused = Note(new string('y', 1000));
                    try
                    {
                        acknowledged.AddRange((await store.Append(ledger, "ledger", [refused]).WaitAsync(NoHang)).Events);
                    }
                    catch (JournalUnavailableException ex)
                    {
                        full = ex;
                    }
                }
                Assert.NotNull(full);
                output.WriteLine($"store append: {full.Message}");
                Assert.Contains("database or disk is full", full.Message);
                var command = await Assert.ThrowsAsync<JournalUnavailableException>(() => agent.Start().WaitAsync(NoHang));
                output.WriteLine($"command: {command.Message}");
                Assert.Contains("database or disk is full", command.Message);
                AssertAllPresent(cluster.Journal.Rows(), acknowledged);
                Assert.DoesNotContain(cluster.Journal.Rows(), r => r.Id == refused!.Id);

                // Space freed: the same store and grain take the refused append and command, nothing restarted.
                File.Delete(filler);
                acknowledged.AddRange((await store.Append(ledger, "ledger", [refused!])).Events);
                acknowledged.Add(await agent.Start());
                var rows = cluster.Journal.Rows();
                AssertAllPresent(rows, acknowledged);
                JournalAssert.IsConsistent(rows);
                Assert.Equal(acknowledged.Count, rows.Count);
                await AssertAgentMatchesJournal(cluster.Client, agentId);
                await AssertProjectionsConverge(cluster.Client, cluster.Journal);
                output.WriteLine($"{acknowledged.Count} events acknowledged, all present");
            }
            Assert.Equal("ok", (string)Scalar(path, "PRAGMA integrity_check")!);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            if (Shell.Run("umount", disk).ExitCode != 0) Shell.Run("umount", "-l", disk);
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } // best effort
        }
    }

    /// <summary>Writes to <paramref name="path"/> until the disk refuses; returns the bytes written.</summary>
    private static long Fill(string path)
    {
        var chunk = new byte[64 * 1024];
        long written = 0;
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.WriteThrough);
        try
        {
            for (var size = chunk.Length; size >= 512; )
            {
                try
                {
                    stream.Write(chunk, 0, size);
                    written += size;
                }
                catch (IOException)
                {
                    size /= 2; // fill the last pages with smaller writes
                }
            }
        }
        finally
        {
            try { stream.Dispose(); } catch (IOException) { } // the final flush may find the disk full too
        }
        return written;
    }

    private static void AssertAllPresent(IReadOnlyList<JournalRow> rows, IEnumerable<EventReceipt> acknowledged)
    {
        var byId = rows.ToDictionary(r => r.Id);
        foreach (var receipt in acknowledged)
        {
            Assert.True(byId.TryGetValue(receipt.EventId, out var row), $"acknowledged event {receipt} is missing");
            Assert.Equal((receipt.AggregateId, receipt.Version, receipt.Position), (row.AggregateId, row.Version, row.Position));
        }
    }
}
