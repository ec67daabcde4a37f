using System.Reflection;
using System.Reflection.Emit;
using EventStore.Aggregates;
using EventStore.LogConsistency;

namespace EventStore.Tests.Journal;

/// <summary>
/// The snapshot shape: a snapshot is decoded only if the whole object graph of the view is unchanged,
/// and the shape does not depend on assembly versions or on the process.
/// </summary>
public sealed class SnapshotShapeTests
{
    [Fact]
    public void Two_views_that_differ_only_in_a_field_of_a_type_held_inside_them_have_different_shapes()
    {
        var before = Shape(EmitView("1.0.0.0", innerHasExtraField: false, inList: false));
        var after = Shape(EmitView("1.0.0.0", innerHasExtraField: true, inList: false));

        Assert.NotEqual(before, after);
    }

    [Fact]
    public void A_field_added_to_an_element_type_of_a_collection_in_the_view_changes_the_shape()
    {
        var before = Shape(EmitView("1.0.0.0", innerHasExtraField: false, inList: true));
        var after = Shape(EmitView("1.0.0.0", innerHasExtraField: true, inList: true));

        Assert.NotEqual(before, after);
    }

    [Fact]
    public void The_shape_does_not_change_when_only_the_assembly_version_changes()
    {
        var v1 = Shape(EmitView("1.0.0.0", innerHasExtraField: false, inList: true));
        var v2 = Shape(EmitView("2.3.4.5", innerHasExtraField: false, inList: true));

        Assert.Equal(v1, v2);
    }

    [Fact]
    public void The_shape_text_names_the_nested_types_fields_and_no_assembly_and_is_the_same_when_computed_twice()
    {
        var text = ViewShape.Describe(typeof(MemoryNamespaceView));

        Assert.Contains("EventStore.Aggregates.MemoryEntry", text);
        Assert.Contains("AccessCount", text);
        Assert.DoesNotContain("Version=", text);
        Assert.DoesNotContain("PublicKeyToken", text);
        Assert.DoesNotContain("Culture=", text);
        Assert.Equal(text, ViewShape.Describe(typeof(MemoryNamespaceView)));
        Assert.Equal(ViewShape.Of(typeof(MemoryNamespaceView)), ViewShape.Of(typeof(MemoryNamespaceView)));
        Assert.Equal(ViewShape.Of(typeof(MemoryNamespaceView)), SnapshotCodec<MemoryNamespaceView>.Shape);
    }

    [Fact]
    public void A_view_that_refers_to_itself_has_a_shape()
    {
        var text = ViewShape.Describe(typeof(TreeView));

        Assert.Contains("Children", text);
        Assert.StartsWith("TreeView#", ViewShape.Of(typeof(TreeView)));
    }

    /// <summary>A view holding itself, directly and inside a collection.</summary>
    private sealed class TreeView
    {
        public TreeView? Parent = null;
        public List<TreeView> Children = [];
        public Dictionary<string, TreeView[]> ByName = [];
    }

    /// <summary>The running code's shape for a view type, read as the codec exposes it.</summary>
    private static string Shape(Type view) =>
        (string)typeof(SnapshotCodec<>).MakeGenericType(view).GetProperty("Shape", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;

    /// <summary>
    /// A new assembly "ShapeViews" (of the given version) with <c>Views.Inner { int A; [string B;] }</c> and
    /// <c>Views.Outer { Inner Item; }</c> or <c>{ List&lt;Inner&gt; Item; }</c>: the same names every time.
    /// </summary>
    private static Type EmitView(string assemblyVersion, bool innerHasExtraField, bool inList)
    {
        var assembly = AssemblyBuilder.DefineDynamicAssembly(new AssemblyName("ShapeViews") { Version = new Version(assemblyVersion) }, AssemblyBuilderAccess.Run);
        var module = assembly.DefineDynamicModule("ShapeViews");
        var inner = module.DefineType("Views.Inner", TypeAttributes.Public | TypeAttributes.Class);
        inner.DefineField("A", typeof(int), FieldAttributes.Public);
        if (innerHasExtraField) inner.DefineField("B", typeof(string), FieldAttributes.Public);
        var innerType = inner.CreateType();
        var outer = module.DefineType("Views.Outer", TypeAttributes.Public | TypeAttributes.Class);
        outer.DefineField("Item", inList ? typeof(List<>).MakeGenericType(innerType) : innerType, FieldAttributes.Public);
        outer.DefineDefaultConstructor(MethodAttributes.Public);
        return outer.CreateType();
    }
}
