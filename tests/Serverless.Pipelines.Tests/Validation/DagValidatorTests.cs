using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Validation;

namespace Serverless.Pipelines.Tests.Validation;

public sealed class DagValidatorTests
{
    private const string Head = "id: v\ntasks:\n";

    // Each case: task YAML appended to a minimal DAG, the path and a message fragment of the one expected problem.
    [Theory]
    [InlineData("  - {id: Bad, kind: sql, sql: SELECT 1, outputs: [o]}", "tasks[0].id", "task id 'Bad' is invalid")]
    [InlineData("  - {id: a, kind: sql, outputs: [o]}", "tasks[0].sql", "needs 'sql'")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1}", "tasks[0].outputs", "needs an output")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o, p]}", "tasks[0].outputs", "only one output of a sql task may omit 'table'")]
    [InlineData("  - {id: a, kind: pyspark, file: x.py, outputs: [{name: o, table: t}]}", "tasks[0].outputs[0].table", "sql tasks only")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [{name: o, path: 'a/?b'}]}", "tasks[0].outputs[0].path", "blob path")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], inputs: [{name: x, path: a.csv}, {name: X, path: b.csv}]}", "tasks[0].inputs[1].name", "declared twice")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], dependsOn: [a]}", "tasks[0].dependsOn[0]", "depends on itself")]
    [InlineData("  - {id: a, kind: jar, file: x.jar}", "tasks[0].className", "needs 'className'")]
    [InlineData("  - {id: a, kind: pyspark, file: x.py, sql: SELECT 1}", "tasks[0].sql", "does not apply")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [Bad_Name]}", "tasks[0].outputs[0].name", "output name 'Bad_Name' is invalid")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], inputs: [{name: 1x, path: a.csv}]}", "tasks[0].inputs[0].name", "SQL view name")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], inputs: [{name: x, path: data/blob}]}", "tasks[0].inputs[0].format", "cannot infer the format")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], inputs: [{name: x, path: ../a.csv}]}", "tasks[0].inputs[0].path", "blob path")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], inputs: [{name: x, from: ghost.o}]}", "tasks[0].inputs[0].from", "unknown task 'ghost'")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], inputs: [{name: x, from: nodot}]}", "tasks[0].inputs[0].from", "task.output")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], inputs: [{name: x, path: a.csv, container: Bad_C}]}", "tasks[0].inputs[0].container", "container name")]
    [InlineData("  - {id: a, kind: sql, sql: 'SELECT {{ ds', outputs: [o]}", "tasks[0].sql", "template error")]
    [InlineData("  - {id: a, kind: sql, sql: 'SELECT {{ item }}', outputs: [o]}", "tasks[0].sql", "only in tasks with 'expand'")]
    [InlineData("  - {id: a, kind: sql, sql: 'SELECT {{ yesterday }}', outputs: [o]}", "tasks[0].sql", "unknown template reference")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], retries: -1}", "tasks[0].retries", "must not be negative")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], retryDelay: 10m, maxRetryDelay: 1m}", "tasks[0].maxRetryDelay", "shorter than retryDelay")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], retryDelay: soon}", "tasks[0].retryDelay", "is not a duration")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], backend: emr}", "tasks[0].backend", "unknown backend 'emr'")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], kind2: x}", "tasks[0].kind2", "unknown field")]
    [InlineData("  - {id: a, kind: spark, sql: SELECT 1, outputs: [o]}", "tasks[0].kind", "unknown task kind 'spark'")]
    [InlineData("  - {id: a, kind: sensor, sensor: {type: time}}", "tasks[0].sensor", "exactly one of 'at'")]
    [InlineData("  - {id: a, kind: sensor, sensor: {type: external_event, eventName: 'bad name'}}", "tasks[0].sensor.eventName", "eventName")]
    [InlineData("  - {id: a, kind: sensor, sensor: {type: blob_exists}}", "tasks[0].sensor.path", "needs a 'path'")]
    [InlineData("  - {id: a, kind: sensor, sensor: {type: blob_exists, path: x, pokeInterval: 0s}}", "tasks[0].sensor.pokeInterval", "must be positive")]
    [InlineData("  - {id: a, kind: branch, branch: {sql: SELECT 1, param: list}}", "tasks[0].branch", "exactly one of 'param' or 'sql'")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], expand: {param: nope}}", "tasks[0].expand.param", "unknown parameter 'nope'")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [o], expand: {from: a.o}}", "tasks[0].expand.from", "cannot read its own output")]
    [InlineData("  - {id: a, kind: sql, sql: SELECT 1, outputs: [{name: o, path: 'x/{{ ds }}'}], expand: {param: list}}", "tasks[0].outputs[0].path", "outputs of a mapped task")]
    public void Validate_OneMistake_ReportsExactlyThatProblem(string taskYaml, string path, string message)
    {
        var yaml = "id: v\nparams:\n  list: {type: array, default: [1, 2]}\ntasks:\n" + taskYaml + "\n";

        var result = DagFileLoader.Load(yaml, "v.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(path, problem.Path);
        Assert.Contains(message, problem.Message, StringComparison.Ordinal);
        Assert.Equal(5, problem.Line);
    }

    [Fact]
    public void Validate_BranchTargetNotDownstream_Reported()
    {
        var yaml = Head + """
              - {id: pick, kind: branch, branch: {sql: "SELECT 'x'", cases: {x: [left, ghost, far]}}}
              - {id: left, kind: sql, dependsOn: [pick], sql: SELECT 1, outputs: [o]}
              - {id: far, kind: sql, dependsOn: [left], sql: SELECT 1, outputs: [o]}
            """;

        var problems = DagFileLoader.Load(yaml, "b.yaml").Problems;

        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Path == "tasks[0].branch.cases.x[1]" && p.Message.Contains("'ghost' is not a task", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "tasks[0].branch.cases.x[2]" && p.Message.Contains("not directly downstream", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_OutputTemplateOfNonUpstream_Reported()
    {
        var yaml = Head + """
              - {id: a, kind: sql, sql: SELECT 1, outputs: [o]}
              - {id: b, kind: pyspark, file: x.py, args: ["{{ outputs.a.o }}", "{{ outputs.c.o }}"]}
              - {id: c, kind: pyspark, file: x.py, dependsOn: [a], outputs: [o], args: ["{{ outputs.a.o }}", "{{ outputs.a.zz }}"]}
            """;

        var problems = DagFileLoader.Load(yaml, "o.yaml").Problems;

        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Path == "tasks[1].args[0]" && p.Message.Contains("'a' is not upstream of 'b'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "tasks[1].args[1]" && p.Message.Contains("'c' is not upstream of 'b'", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Path == "tasks[2].args[1]" && p.Message.Contains("has no output 'zz'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NestedOutputPaths_ReportedAsOverlap()
    {
        var yaml = Head + """
              - {id: a, kind: sql, sql: SELECT 1, outputs: [{name: o, path: exports/all}]}
              - {id: b, kind: sql, sql: SELECT 1, outputs: [{name: o, path: "exports/all/part"}]}
              - {id: c, kind: sql, sql: SELECT 1, outputs: [{name: o, path: "exports/allx"}]}
            """;

        var problem = Assert.Single(DagFileLoader.Load(yaml, "c.yaml").Problems);

        Assert.Equal("tasks[1].outputs[0].path", problem.Path);
        Assert.Contains("overlaps", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DagLevelMistakes_AllReported()
    {
        var dag = new DagDefinition
        {
            Id = "x",
            Schedule = "@daily",
            StartDate = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero),
            EndDate = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero),
            MaxActiveRuns = 0,
            MaxActiveTasks = 0,
            Params = [new DagParam { Name = "p", Required = true }, new DagParam { Name = "p" }, new DagParam { Name = "bad name", Type = DagParamType.Date, Default = "2024-13-01" }],
            Tags = [" "],
        };

        var problems = DagValidator.Validate(dag);

        Assert.Equal(
            ["endDate", "maxActiveRuns", "maxActiveTasks", "params.bad name", "params.bad name.default", "params.p", "params.p", "tags[0]", "tasks"],
            problems.Select(p => p.Path).Order(StringComparer.Ordinal));
        Assert.All(problems, p => Assert.Equal(0, p.Line));
    }

    [Fact]
    public void Build_InvalidDag_ThrowsWithAllProblems()
    {
        var builder = new DagBuilder("b")
            .Task("a", DagTaskKind.Sql, t => t.DependsOn("z").Sql("SELECT 1").Output("o"))
            .Task("a", DagTaskKind.Sql, t => t.Sql("SELECT 1").Output("o"));

        var exception = Assert.Throws<DagValidationException>(() => builder.Build());

        Assert.Equal(2, exception.Problems.Count);
        Assert.Contains("2 problems", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateRunParams_WrongTypesUnknownAndMissing_AllReported()
    {
        var dag = new DagBuilder("p")
            .Param("n", DagParamType.Integer, 1)
            .Param("x", DagParamType.Number)
            .Param("flag", DagParamType.Boolean)
            .Param("day", DagParamType.Date)
            .Param("list", DagParamType.Array)
            .Param("must", DagParamType.String, required: true)
            .Task("t", DagTaskKind.Sql, t => t.Sql("SELECT {{ params.n }}").Output("o"))
            .Build();
        var supplied = new Dictionary<string, JsonNode?>
        {
            ["n"] = 1.5,
            ["x"] = "1",
            ["flag"] = 1,
            ["day"] = "2024-02-30",
            ["list"] = new JsonObject(),
            ["extra"] = 1,
        };

        var problems = DagValidator.ValidateRunParams(dag, supplied);

        Assert.Equal(
            ["params.day", "params.extra", "params.flag", "params.list", "params.must", "params.n", "params.x"],
            problems.Select(p => p.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ResolveRunParams_Valid_MergesOverDefaults()
    {
        var dag = new DagBuilder("p")
            .Param("n", DagParamType.Integer, 1)
            .Param("m", DagParamType.Integer, 2)
            .Param("day", DagParamType.Date)
            .Task("t", DagTaskKind.Sql, t => t.Sql("SELECT 1").Output("o"))
            .Build();

        var values = DagValidator.ResolveRunParams(dag, new Dictionary<string, JsonNode?> { ["n"] = 10, ["day"] = "2024-02-29" });

        Assert.Equal(10, values["n"]!.GetValue<int>());
        Assert.Equal(2, values["m"]!.GetValue<int>());
        Assert.Equal("2024-02-29", values["day"]!.GetValue<string>());
        Assert.Throws<DagValidationException>(() => DagValidator.ResolveRunParams(dag, new Dictionary<string, JsonNode?> { ["n"] = "ten" }));
    }

    [Fact]
    public void DelayBeforeRetry_ExponentialBackoff_DoublesUntilCap()
    {
        var dag = new DagBuilder("r")
            .Task("t", DagTaskKind.Sql, t => t.Sql("SELECT 1").Output("o").Retries(5, TimeSpan.FromSeconds(10), exponentialBackoff: true, maxDelay: TimeSpan.FromSeconds(60)))
            .Build();
        var settings = dag.SettingsFor(dag.Tasks[0]);

        var delays = Enumerable.Range(1, 5).Select(settings.DelayBeforeRetry).Select(d => d.TotalSeconds);

        Assert.Equal([10d, 20d, 40d, 60d, 60d], delays);
        Assert.Equal(TimeSpan.FromMinutes(5), new DagBuilder("d").Task("t", DagTaskKind.Sql, t => t.Sql("SELECT 1").Output("o")).Build() is var d ? d.SettingsFor(d.Tasks[0]).DelayBeforeRetry(3) : default);
    }
}
