using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;

namespace Serverless.Pipelines.Tests.Loading;

public sealed class DagFileLoaderTests
{
    // Every line number asserted below is the line of this text (1-based).
    private const string BrokenYaml = """
        id: Bad_Dag
        schedule: "0 25 * * *"
        timeZone: Mars/Olympus
        params:
          n:
            type: integer
            default: abc
        tasks:
          - id: a
            kind: sql
            dependsOn: [c]
            sql: SELECT {{ params.missing }}
            outputs: [out]
          - id: b
            kind: sql
            triggerRule: all_sucess
            dependsOn: [a, nope]
            sql: SELECT 1
            outputs: [out]
          - id: c
            kind: sql
            dependsOn: [b]
            inputs:
              - name: x
                from: b.missing
            sql: SELECT 1
            outputs: [out]
          - id: a
            kind: sql
            sql: SELECT 2
            outputs:
              - name: o
                path: shared/x
          - id: d
            kind: sql
            sql: SELECT 3
            outputs:
              - name: o
                path: shared/x
            colour: red
        """;

    [Fact]
    public void Load_BrokenYaml_ReportsEveryProblemWithItsLine()
    {
        var result = DagFileLoader.Load(BrokenYaml, "broken.yaml");

        Assert.False(result.IsValid);
        AssertProblem(result, 1, "id", "DAG id 'Bad_Dag' is invalid");
        AssertProblem(result, 2, "schedule", "invalid cron expression");
        AssertProblem(result, 3, "timeZone", "unknown time zone 'Mars/Olympus'");
        AssertProblem(result, 7, "params.n.default", "\"abc\" is not of type integer");
        AssertProblem(result, 12, "tasks[0].sql", "unknown template reference '{{ params.missing }}'");
        AssertProblem(result, 16, "tasks[1].triggerRule", "unknown trigger rule 'all_sucess'");
        AssertProblem(result, 17, "tasks[1].dependsOn[1]", "unknown upstream task 'nope'");
        AssertProblem(result, 17, "tasks[1].dependsOn[0]", "cycle: a -> b -> c -> a");
        AssertProblem(result, 25, "tasks[2].inputs[0].from", "task 'b' has no output 'missing'");
        AssertProblem(result, 28, "tasks[3].id", "duplicate task id 'a'");
        AssertProblem(result, 39, "tasks[4].outputs[0].path", "is the same as the location of a.o");
        AssertProblem(result, 40, "tasks[4].colour", "unknown field 'colour'");
        Assert.All(result.Problems, p => Assert.Equal("broken.yaml", p.File));
    }

    [Fact]
    public void Load_JsonWithUnknownUpstream_ReportsJsonLine()
    {
        const string json = """
            {
              "id": "json-dag",
              "tasks": [
                { "id": "one", "kind": "sql", "sql": "SELECT 1", "outputs": ["o"] },
                {
                  "id": "two", "kind": "sql", "sql": "SELECT 2", "outputs": ["o"],
                  "dependsOn": ["one", "ghost"]
                }
              ]
            }
            """;

        var result = DagFileLoader.Load(json, "dag.json");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(7, problem.Line);
        Assert.Equal("tasks[1].dependsOn[1]", problem.Path);
        Assert.Contains("ghost", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_YamlSyntaxError_ReportsLine()
    {
        var result = DagFileLoader.Load("id: x\ntasks:\n  - id: [unclosed\n", "bad.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Null(result.Dag);
        Assert.True(problem.Line >= 3, problem.ToString());
        Assert.Contains("YAML syntax error", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_JsonSyntaxError_ReportsLine()
    {
        var result = DagFileLoader.Load("{\n  \"id\": \"x\",\n  \"tasks\": [ }\n", "bad.json");

        var problem = Assert.Single(result.Problems);
        Assert.Equal(3, problem.Line);
    }

    [Fact]
    public void Load_ValidYaml_ReadsEveryField()
    {
        const string yaml = """
            id: full
            description: d
            schedule: "0 6 * * *"
            timeZone: Europe/Amsterdam
            startDate: 2024-01-01
            catchup: true
            maxActiveRuns: 2
            maxActiveTasks: 3
            defaults: { retries: 2, retryDelay: 1m30s, retryExponentialBackoff: true, maxRetryDelay: 1h, triggerRule: none_failed }
            params:
              day: { type: date, default: "2024-01-01" }
              names: { type: array, default: [a, b] }
            tags: [x]
            tasks:
              - id: wait
                kind: sensor
                sensor: { type: blob_exists, container: landing, path: "in/{{ ds }}/_SUCCESS", pokeInterval: 30s, timeout: 2h, softFail: true }
              - id: per-name
                kind: pyspark
                dependsOn: wait
                file: scripts/job.py
                args: ["--name", "{{ item }}", "--n", "{{ map_index }}"]
                conf: { spark.executor.instances: 4 }
                expand: { param: names, maxParallelism: 2 }
                outputs:
                  - name: out
                    format: json
                    mode: errorifexists
            """;

        var result = DagFileLoader.Load(yaml, "full.yaml");

        Assert.Empty(result.Problems);
        var dag = result.Dag!;
        Assert.Equal(new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.FromHours(1)), dag.StartDate);
        Assert.Equal(TimeSpan.FromSeconds(90), dag.Defaults.RetryDelay);
        Assert.Equal(TriggerRule.NoneFailed, dag.SettingsFor(dag.Tasks[0]).TriggerRule);
        Assert.Equal(SensorKind.BlobExists, dag.Tasks[0].Sensor!.Type);
        Assert.True(dag.Tasks[0].Sensor!.SoftFail);
        Assert.Equal(["wait"], dag.Tasks[1].DependsOn);
        Assert.Equal("4", dag.Tasks[1].Conf["spark.executor.instances"]);
        Assert.Equal(OutputWriteMode.ErrorIfExists, dag.Tasks[1].Outputs[0].Mode);
        Assert.Equal("[\"a\",\"b\"]", dag.FindParam("names")!.Default!.ToJsonString());
    }

    [Fact]
    public async Task LoadFileAsync_SqlFile_InlinesFileBesideDag()
    {
        var folder = Directory.CreateTempSubdirectory("dags").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "q.sql"), "SELECT 42 AS answer");
            await File.WriteAllTextAsync(Path.Combine(folder, "d.yaml"), "id: d\ntasks:\n  - id: t\n    kind: sql\n    sqlFile: q.sql\n    outputs: [o]\n  - id: u\n    kind: sql\n    sqlFile: ../outside.sql\n    outputs: [o]\n");

            var result = await DagFileLoader.LoadFileAsync(Path.Combine(folder, "d.yaml"));

            Assert.Equal("SELECT 42 AS answer", result.Dag!.Tasks[0].Sql);
            Assert.Contains(result.Problems, p => p.Line == 9 && p.Path == "tasks[1].sqlFile" && p.Message.Contains("not found", StringComparison.Ordinal));
            Assert.DoesNotContain(result.Problems, p => p.Path.StartsWith("tasks[0]", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void AssertProblem(DagLoadResult result, int line, string path, string message)
    {
        Assert.True(
            result.Problems.Any(p => p.Line == line && p.Path == path && p.Message.Contains(message, StringComparison.Ordinal)),
            $"expected line {line} {path}: {message}; got:\n{string.Join("\n", result.Problems)}");
    }
}
