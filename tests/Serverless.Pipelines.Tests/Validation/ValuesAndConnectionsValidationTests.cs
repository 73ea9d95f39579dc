using Serverless.Pipelines.Loading;

namespace Serverless.Pipelines.Tests.Validation;

/// <summary>The checks of optional inputs, task values and connections, each with its path in the file.</summary>
public sealed class ValuesAndConnectionsValidationTests
{
    [Theory]
    [InlineData("  - {id: b, kind: sql, sql: SELECT 1, outputs: [o], inputs: [{name: x, path: a.csv, optional: true}]}", "tasks[1].inputs[0].optional", "'from' only")]
    [InlineData("  - {id: b, kind: sql, sql: SELECT 1, outputs: [o], connection: Prod_Synapse}", "tasks[1].connection", "connection name 'Prod_Synapse' is invalid")]
    [InlineData("  - {id: b, kind: sql, sql: SELECT 1, outputs: [o], connection: synapse}", "tasks[1].connection", "write 'backend: synapse'")]
    [InlineData("  - {id: b, kind: branch, branch: {param: p}, values: {n: SELECT 1}}", "tasks[1].values", "not sensors, branches")]
    [InlineData("  - {id: b, kind: sql, sql: SELECT 1, outputs: [o], values: {1n: SELECT 1}}", "tasks[1].values.1n", "value name '1n' is invalid")]
    [InlineData("  - {id: b, kind: sql, sql: SELECT 1, outputs: [o], inputs: [{name: o, from: a.o}], values: {n: SELECT 1}}", "tasks[1].values", "rename one")]
    [InlineData("  - {id: b, kind: sql, sql: 'SELECT {{ tasks.a.values.m }}', outputs: [o], dependsOn: [a]}", "tasks[1].sql", "publishes no value 'm' (it publishes: n)")]
    [InlineData("  - {id: b, kind: sql, sql: 'SELECT {{ tasks.a.values.n }}', outputs: [o]}", "tasks[1].sql", "is not upstream of 'b'")]
    [InlineData("  - {id: b, kind: sql, sql: SELECT 1, outputs: [o], values: {n: 'SELECT {{ tasks.a.values.n }'}}", "tasks[1].values.n", "template error")]
    public void Validate_OneMistake_ReportsExactlyThatProblem(string taskYaml, string path, string message)
    {
        var yaml = "id: v\nparams:\n  p: {type: string, default: b}\ntasks:\n  - {id: a, kind: sql, sql: SELECT 1 AS x, outputs: [o], values: {n: SELECT count(*) FROM o}}\n" + taskYaml + "\n";

        var result = DagFileLoader.Load(yaml, "v.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TooManyValues_ReportsTheCap()
    {
        var values = string.Join(", ", Enumerable.Range(0, 17).Select(i => $"v{i}: SELECT {i}"));
        var yaml = $"id: v\ntasks:\n  - {{id: a, kind: sql, sql: SELECT 1, outputs: [o], values: {{{values}}}}}\n";

        var result = DagFileLoader.Load(yaml, "v.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Equal("tasks[0].values", problem.Path);
        Assert.Contains("at most 16 values", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_NewFields_RoundTrip()
    {
        var yaml = """
            id: v
            tasks:
              - { id: a, kind: sql, sql: SELECT 1 AS x, outputs: [o], values: { n: SELECT count(*) FROM o }, connection: prod-synapse }
              - { id: b, kind: sql, sql: SELECT 1, outputs: [o], inputs: [{ name: x, from: a.o, optional: true }] }
            """;
        var dag = DagFileLoader.Load(yaml, "v.yaml").Dag!;

        var again = DagFileLoader.Load(DagJsonExporter.Export(dag), "v.json");

        Assert.True(again.IsValid, string.Join("\n", again.Problems));
        Assert.Equal("SELECT count(*) FROM o", again.Dag!.Tasks[0].Values["n"]);
        Assert.Equal("prod-synapse", again.Dag.Tasks[0].Connection);
        Assert.True(again.Dag.Tasks[1].Inputs[0].Optional);
    }
}
