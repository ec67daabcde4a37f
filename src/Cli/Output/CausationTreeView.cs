using System.Text.Json;
using System.Text.Json.Nodes;
using EventStore.Events;
using EventStore.Store;
using Spectre.Console;

namespace EventStore.Cli.Output;

/// <summary>
/// A <see cref="CausationTree"/> for people (a Spectre tree, one line per event) and for scripts (one JSON document, each event
/// as <see cref="CliJson.Of"/> with its <c>children</c> nested). Both are built without recursion, however deep the tree.
/// </summary>
internal static class CausationTreeView
{
    /// <summary>The tree as a JSON document: <c>rootId</c>, <c>isComplete</c>, <c>eventCount</c>, and <c>root</c> with its children nested.</summary>
    public static string Json(CausationTree tree)
    {
        var nodes = tree.Events.ToDictionary(e => e.Event.Id, e =>
        {
            var json = CliJson.Of(e.Event);
            json["depth"] = e.Depth;
            json["children"] = new JsonArray();
            return json;
        });
        foreach (var (parent, child) in Edges(tree)) ((JsonArray)nodes[parent.Event.Id]["children"]!).Add(nodes[child.Event.Id]);
        var document = new JsonObject
        {
            ["rootId"] = tree.RootId,
            ["isComplete"] = tree.IsComplete,
            ["eventCount"] = tree.Events.Count,
            ["root"] = nodes[tree.Root.Event.Id],
        };
        // Each level of the tree is two levels of JSON (an object in a children array): allow the tree's whole depth.
        var options = new JsonSerializerOptions(CliJson.Options) { WriteIndented = true, MaxDepth = 2 * tree.Events.Count + 16 };
        return document.ToJsonString(options);
    }

    /// <summary>The tree as a Spectre tree: the root at the top, each event under the event that caused it, in commit order.</summary>
    public static Tree Render(CausationTree tree)
    {
        var view = new Tree(Label(tree.Root.Event)) { Guide = TreeGuide.Line };
        var nodes = new Dictionary<string, IHasTreeNodes>(StringComparer.Ordinal) { [tree.Root.Event.Id] = view };
        foreach (var (parent, child) in Edges(tree)) nodes[child.Event.Id] = nodes[parent.Event.Id].AddNode(Label(child.Event));
        return view;
    }

    /// <summary>Every (parent, child) pair of the tree, parents before their children, each event once (a cycle back to the root is not followed).</summary>
    private static IEnumerable<(CausedEvent Parent, CausedEvent Child)> Edges(CausationTree tree)
    {
        var byId = tree.Events.ToDictionary(e => e.Event.Id, StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal) { tree.Root.Event.Id };
        var pending = new Queue<CausedEvent>([tree.Root]);
        while (pending.TryDequeue(out var parent))
        {
            foreach (var childId in parent.ChildIds)
            {
                if (!byId.TryGetValue(childId, out var child) || !seen.Add(childId)) continue;
                yield return (parent, child);
                pending.Enqueue(child);
            }
        }
    }

    private static string Label(EventEnvelope e) =>
        $"[bold]{Markup.Escape(e.Type)}[/] {Markup.Escape($"{e.AggregateType}/{e.AggregateId}")} v{e.Version} [grey]#{e.Position} {CliJson.Time(e.Timestamp)} {Markup.Escape(e.Id)}[/]";
}
