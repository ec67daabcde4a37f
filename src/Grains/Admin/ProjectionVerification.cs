using System.Text.Json;
using System.Text.Json.Nodes;
using EventStore.Errors;
using EventStore.Journal;
using EventStore.Journal.Sqlite;
using EventStore.Projections;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace EventStore.Admin;

/// <summary>
/// Checks that a projection's read model agrees with the journal: it reads the active generation's checkpoint and
/// records in one read transaction (projectors may be committing), folds the journal's events up to that checkpoint with
/// the projection's own code into a scratch SQLite read-model store, and compares both record sets key by key, both ways
/// (documents compared as JSON, not as text). Both sides are read in key order a page at a time.
/// </summary>
internal sealed class ProjectionVerification(IJournalReader reader, IReadModelStore store, Projection projection)
{
    private VerificationProblems _problems = new($"projection:{projection.Name}", "");

    public async Task<VerificationCheck> RunAsync(CancellationToken cancellationToken)
    {
        await using var snapshot = await store.OpenSnapshotAsync();
        var active = (await snapshot.LoadGenerationsAsync(projection.Name)).FirstOrDefault(g => g.IsActive);
        if (active is null) return new VerificationCheck(_problems.ToCheck().Name, "not built yet (no active generation): nothing to compare", 0, []);
        _problems = new VerificationProblems($"projection:{projection.Name}",
            $"generation {active.Number}'s records agree with the journal folded up to its checkpoint {active.Checkpoint}");
        var folder = Path.Combine(Path.GetTempPath(), "eventstore-verify-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            using var scratch = new SqliteReadModelStore(new SqliteConnectionFactory(new JournalOptions { DatabasePath = Path.Combine(folder, "scratch.db") }));
            var folded = new ProjectionGeneration(projection.Name, 1, projection.ShapeVersion, 0, IsActive: true);
            await scratch.CreateGenerationAsync(folded, projection.Tables);
            var source = new ProjectionSource(reader, scratch, Options.Create(new ProjectionOptions()), TimeProvider.System, NullLoggerFactory.Instance);
            try
            {
                await new ProjectionLane(projection, folded, source, NullLogger.Instance).CatchUpAsync(active.Checkpoint);
            }
            catch (UnreadableEventException ex)
            {
                _problems.Add($"the journal cannot be folded up to the checkpoint {active.Checkpoint}: {ex.Message}");
                return _problems.ToCheck();
            }
            foreach (var table in projection.Tables)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await CompareAsync(table.Name,
                    new Pager(q => snapshot.QueryAsync(new TableRef(active.TableOf(table), table), q)),
                    new Pager(q => scratch.QueryAsync(new TableRef(folded.TableOf(table), table), q)));
            }
            return _problems.ToCheck();
        }
        finally
        {
            SqliteConnection.ClearAllPools(); // the scratch file's pooled connections, before its folder goes
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } // best effort: it is in the temp folder
        }
    }

    /// <summary>A merge of the two key-ordered record sets: a key on one side only is extra or missing; a key on both must hold the same JSON.</summary>
    private async Task CompareAsync(string table, Pager stored, Pager folded)
    {
        var (s, f) = (await stored.NextAsync(), await folded.NextAsync());
        while (s is not null || f is not null)
        {
            var order = s is null ? 1 : f is null ? -1 : CompareKeys(s.Value.Key, f.Value.Key);
            if (order < 0)
            {
                _problems.Add($"{table} '{s!.Value.Key}': in the read model, but the journal's events make no such record (extra)");
                s = await stored.NextAsync();
            }
            else if (order > 0)
            {
                _problems.Add($"{table} '{f!.Value.Key}': the journal's events make this record, but the read model has none (missing)");
                f = await folded.NextAsync();
            }
            else
            {
                if (!SameJson(s!.Value.Value, f!.Value.Value))
                    _problems.Add($"{table} '{s.Value.Key}': differs: the read model has {Short(s.Value.Value)}, the journal's events make {Short(f.Value.Value)}");
                (s, f) = (await stored.NextAsync(), await folded.NextAsync());
            }
        }
    }

    /// <summary>Keys in the databases' order: by code point (UTF-8 bytes, <c>COLLATE "C"</c>), not by UTF-16 unit.</summary>
    private static int CompareKeys(string a, string b)
    {
        var (x, y) = (a.EnumerateRunes(), b.EnumerateRunes());
        while (true)
        {
            var (more, moreToo) = (x.MoveNext(), y.MoveNext());
            if (!more || !moreToo) return more ? 1 : moreToo ? -1 : 0;
            var order = x.Current.Value.CompareTo(y.Current.Value);
            if (order != 0) return order;
        }
    }

    private static bool SameJson(string a, string b)
    {
        try
        {
            return JsonNode.DeepEquals(JsonNode.Parse(a), JsonNode.Parse(b));
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Short(string json) => json.Length <= 200 ? json : json[..200] + "…";

    /// <summary>One side's records in key order, a page at a time.</summary>
    private sealed class Pager(Func<RecordQuery, Task<IReadOnlyList<KeyValuePair<string, string>>>> query)
    {
        private IReadOnlyList<KeyValuePair<string, string>> _page = [];
        private int _next;
        private bool _done;
        private string? _after;

        public async Task<KeyValuePair<string, string>?> NextAsync()
        {
            if (_next == _page.Count)
            {
                if (_done) return null;
                _page = await query(RecordQuery.All.Page(_after, RecordQuery.MaxLimit));
                _next = 0;
                _done = _page.Count < RecordQuery.MaxLimit;
                if (_page.Count == 0) return null;
                _after = _page[^1].Key;
            }
            return _page[_next++];
        }
    }
}
