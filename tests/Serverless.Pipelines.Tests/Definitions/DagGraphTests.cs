using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Tests.Definitions;

public sealed class DagGraphTests
{
    // extract -> (clean, stats) -> report; audit reads extract's output without dependsOn.
    private static DagDefinition Diamond() => new DagBuilder("diamond")
        .Task("extract", DagTaskKind.Sql, t => t.Sql("SELECT 1 AS x").Output("rows"))
        .Task("clean", DagTaskKind.Sql, t => t.DependsOn("extract").Sql("SELECT 2 AS x").Output("rows"))
        .Task("stats", DagTaskKind.Sql, t => t.DependsOn("extract").Sql("SELECT 3 AS x").Output("rows"))
        .Task("report", DagTaskKind.Sql, t => t.DependsOn("clean", "stats").Sql("SELECT 4 AS x").Output("rows"))
        .Task("audit", DagTaskKind.Sql, t => t.InputFrom("src", "extract.rows").Sql("SELECT * FROM src").Output("rows"))
        .Build();

    [Fact]
    public void TopologicalOrder_Diamond_UpstreamsFirstInDeclarationOrder()
    {
        var graph = new DagGraph(Diamond());

        Assert.Equal(["extract", "clean", "stats", "report", "audit"], graph.TopologicalOrder);
    }

    [Fact]
    public void UpstreamOf_InputFrom_AddsImplicitDependency()
    {
        var graph = new DagGraph(Diamond());

        Assert.Equal(["extract"], graph.UpstreamOf("audit"));
        Assert.Equal(["audit", "clean", "stats"], graph.DownstreamOf("extract").Order());
    }

    [Fact]
    public void DownstreamClosure_OneTask_ReturnsItAndEverythingDownstream()
    {
        var graph = new DagGraph(Diamond());

        Assert.Equal(["clean", "report"], graph.DownstreamClosure(["clean"]));
        Assert.Equal(["extract", "clean", "stats", "report", "audit"], graph.DownstreamClosure(["extract"]));
    }

    [Fact]
    public void AncestorsOf_Leaf_ReturnsAllUpstreams()
    {
        var graph = new DagGraph(Diamond());

        Assert.Equal(["clean", "extract", "stats"], graph.AncestorsOf("report").Order());
        Assert.Equal(["report", "audit"], graph.Leaves);
        Assert.Equal(["extract"], graph.Roots);
    }

    [Fact]
    public void FindCycles_ThreeTaskCycle_NamesTheCycleOnce()
    {
        var dag = new DagBuilder("cyclic")
            .Task("a", DagTaskKind.Sql, t => t.DependsOn("c").Sql("SELECT 1").Output("o"))
            .Task("b", DagTaskKind.Sql, t => t.DependsOn("a").Sql("SELECT 1").Output("o"))
            .Task("c", DagTaskKind.Sql, t => t.DependsOn("b").Sql("SELECT 1").Output("o"))
            .Task("d", DagTaskKind.Sql, t => t.DependsOn("c").Sql("SELECT 1").Output("o"))
            .BuildUnvalidated();

        var cycles = new DagGraph(dag).FindCycles();

        Assert.Equal(["a", "b", "c", "a"], Assert.Single(cycles));
    }
}
