using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Pools;
using Serverless.Pipelines.Validation;

namespace Serverless.Pipelines.Tests.Validation;

/// <summary>The <c>pool</c>, <c>poolSlots</c> and <c>priority</c> task fields: reading, defaults, export, and the checks against the configured pools.</summary>
public sealed class PoolFieldsValidationTests
{
    private const string Yaml = """
        id: pooled
        defaults:
          pool: spark-large
          priority: 3
        tasks:
          - id: a
            kind: sql
            sql: SELECT 1
            outputs: [rows]
            poolSlots: 2
          - id: b
            kind: sql
            sql: SELECT 1
            outputs: [rows]
            pool: small
            priority: 7
          - id: c
            kind: sql
            sql: SELECT 1
            outputs: [rows]
            pool: default_pool
        """;

    private static Dictionary<string, PoolOptions> Pools(params (string Name, int Slots)[] pools) =>
        pools.ToDictionary(p => p.Name, p => new PoolOptions { Slots = p.Slots }, StringComparer.Ordinal);

    [Fact]
    public void SettingsFor_TaskAndDefaults_TaskWinsThenDefaultsThenBuiltIn()
    {
        var result = DagFileLoader.Load(Yaml, "pooled.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Problems));
        var dag = result.Dag!;

        var a = dag.SettingsFor(dag.FindTask("a")!);
        var b = dag.SettingsFor(dag.FindTask("b")!);
        var builtIn = DagFileLoader.Load("id: d\ntasks:\n  - { id: x, kind: sql, sql: SELECT 1, outputs: [rows] }\n", "d.yaml").Dag!;
        var x = builtIn.SettingsFor(builtIn.Tasks[0]);

        Assert.Equal(("spark-large", 2, 3), (a.Pool, a.PoolSlots, a.Priority));
        Assert.Equal(("small", 1, 7), (b.Pool, b.PoolSlots, b.Priority));
        Assert.Equal(("default_pool", 1, 1), (x.Pool, x.PoolSlots, x.Priority));
    }

    [Fact]
    public void Export_PoolFields_WrittenAndReadBackTheSame()
    {
        var dag = DagFileLoader.Load(Yaml, "pooled.yaml").Dag!;

        var json = DagJsonExporter.Export(dag);
        var task = JsonNode.Parse(json)!["tasks"]![0]!;
        var again = DagFileLoader.Load(json, "pooled.json");

        Assert.Equal(2, (int)task["poolSlots"]!);
        Assert.Equal("spark-large", (string)JsonNode.Parse(json)!["defaults"]!["pool"]!);
        Assert.True(again.IsValid, string.Join("\n", again.Problems));
        Assert.Equal(json, DagJsonExporter.Export(again.Dag!));
    }

    [Fact]
    public void Load_PoolSlotsZeroAndBadPoolName_EachProblemAtItsLine()
    {
        var yaml = """
            id: bad
            tasks:
              - id: a
                kind: sql
                sql: SELECT 1
                poolSlots: 0
              - id: b
                kind: sql
                sql: SELECT 1
                pool: Spark/Large
            """;

        var problems = DagFileLoader.Load(yaml, "bad.yaml").Problems;

        Assert.Contains(problems, p => p.Line == 6 && p.Path == "tasks[0].poolSlots" && p.Message.Contains("at least 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Line == 10 && p.Path == "tasks[1].pool" && p.Message.Contains("invalid", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_UnknownPoolAndTooManySlots_ProblemsNameTheLines()
    {
        var result = DagFileLoader.Load(Yaml, "pooled.yaml");

        var checkedResult = DagPoolCheck.Apply(result, Pools(("spark-large", 1)));

        Assert.False(checkedResult.IsValid);
        var slots = Assert.Single(checkedResult.Problems, p => p.Path == "tasks[0].poolSlots");
        Assert.Equal(10, slots.Line);
        Assert.Contains("poolSlots 2 is more than pool 'spark-large' has (1)", slots.Message, StringComparison.Ordinal);
        var unknown = Assert.Single(checkedResult.Problems, p => p.Path == "tasks[1].pool");
        Assert.Equal(15, unknown.Line);
        Assert.Contains("pool 'small' is not configured: set Serverless__Pools__small__Slots (configured: spark-large)", unknown.Message, StringComparison.Ordinal);
        Assert.Equal("pooled.yaml", unknown.File);
    }

    [Fact]
    public void Apply_PoolsConfigured_NoProblems()
    {
        var result = DagFileLoader.Load(Yaml, "pooled.yaml");

        Assert.Same(result, DagPoolCheck.Apply(result, Pools(("spark-large", 2), ("small", 1))));
    }

    [Theory]
    [InlineData(0, true, null)]
    [InlineData(3, true, 3)]
    public void TryFind_DefaultPool_UnlimitedUnlessSized(int slots, bool found, int? limit)
    {
        var pools = slots == 0 ? Pools() : Pools((EffectiveTaskSettings.DefaultPool, slots));

        Assert.Equal(found, PoolLimits.TryFind(pools, EffectiveTaskSettings.DefaultPool, out var size));
        Assert.Equal(limit, size);
        Assert.False(PoolLimits.TryFind(pools, "other", out _));
    }

    [Fact]
    public void Parse_HolderText_RoundTripsAndNamesTheRunOfAMapChunk()
    {
        var holder = new PoolHolder("run-1--map-t-0", "t", 4, 2);

        var parsed = PoolHolder.Parse(holder.ToString());

        Assert.Equal("run-1--map-t-0|t|4|2", holder.ToString());
        Assert.Equal(holder, parsed);
        Assert.Equal("run-1", parsed!.RunId);
        Assert.Null(PoolHolder.Parse("not a holder"));
    }
}
