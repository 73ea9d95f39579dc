using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Validation;
using Serverless.Spark.Hosting;

namespace Serverless.Pipelines.Tests.Validation;

/// <summary>What a validation report says of common mistakes: where a YAML tab is, which task id was meant, every bad reference, and a backend that cannot run a task.</summary>
public sealed class ValidationReportTests
{
    [Fact]
    public void Load_TabIndentation_ProblemAtTheTabsLineAndColumn()
    {
        // Line 4 is indented with a tab, which YAML forbids; the tab is its first character.
        const string yaml = "id: tabs\ntasks:\n  - id: a\n\tkind: sql\n    sql: SELECT 1\n    outputs: [o]\n";

        var result = DagFileLoader.Load(yaml, "tabs.yaml");

        var problem = Assert.Single(result.Problems);
        Assert.Equal((4, 1), (problem.Line, problem.Column));
        Assert.Contains("tab", problem.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Load_TabAfterContentOnALine_ProblemAtThatLine()
    {
        const string yaml = "id: tabs\ntasks:\n  - id: a\n    kind: sql\n    sql: SELECT 1\n\t  outputs: [o]\n";

        var result = DagFileLoader.Load(yaml, "tabs.yaml");

        Assert.Contains(result.Problems, p => p.Line == 6 && p.Column == 1);
    }

    [Theory]
    [InlineData("dependsOn: [extrat]", "tasks[1].dependsOn[0]", "unknown upstream task 'extrat'; did you mean 'extract'?")]
    [InlineData("dependsOn: [Extract]", "tasks[1].dependsOn[0]", "unknown upstream task 'Extract'; did you mean 'extract'?")]
    [InlineData("inputs: [{name: x, from: extrat.rows}]", "tasks[1].inputs[0].from", "unknown task 'extrat' in 'extrat.rows'; did you mean 'extract'?")]
    [InlineData("depends_on: [extract]", "tasks[1].depends_on", "unknown field 'depends_on'; did you mean 'dependsOn'?")]
    public void Load_NearMissTaskIdOrField_SuggestsTheDeclaredOne(string field, string path, string message)
    {
        var yaml = "id: near\ntasks:\n  - {id: extract, kind: sql, sql: SELECT 1, outputs: [rows]}\n  - {id: load, kind: sql, sql: SELECT 2, outputs: [rows], " + field + "}\n";

        var result = DagFileLoader.Load(yaml, "near.yaml");

        Assert.Contains(result.Problems, p => p.Path == path && p.Message == message);
    }

    [Fact]
    public void Load_UnknownTaskIdFarFromEveryOther_NoSuggestion()
    {
        const string yaml = "id: far\ntasks:\n  - {id: extract, kind: sql, sql: SELECT 1, outputs: [rows]}\n  - {id: load, kind: sql, sql: SELECT 2, outputs: [rows], dependsOn: [zzz]}\n";

        var problem = Assert.Single(DagFileLoader.Load(yaml, "far.yaml").Problems);

        Assert.Equal("unknown upstream task 'zzz'", problem.Message);
    }

    [Fact]
    public void Load_SeveralBadReferencesInOneTask_EveryOneReportedAtItsLine()
    {
        const string yaml = """
            id: refs
            params:
              n: {type: integer, default: 1}
            tasks:
              - id: a
                kind: sql
                sql: |
                  SELECT {{ params.missing }} AS x,
                         {{ outputs.ghost.o }} AS y,
                         {{ params.n }} AS ok,
                         {{ yesterday }} AS z
                outputs: [o]
            """;

        var problems = DagFileLoader.Load(yaml, "refs.yaml").Problems;

        Assert.Contains(problems, p => p.Message.Contains("params.missing", StringComparison.Ordinal) && p.Message.Contains("line 1", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("outputs.ghost.o", StringComparison.Ordinal) && p.Message.Contains("line 2", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Message.Contains("yesterday", StringComparison.Ordinal) && p.Message.Contains("line 4", StringComparison.Ordinal));
        Assert.Equal(3, problems.Count);
    }

    [Theory]
    [InlineData("pyspark", "file: job.py", null, null, true)]
    [InlineData("jar", "file: job.jar, className: Main", null, null, true)]
    [InlineData("pyspark", "file: job.py", "/opt/spark", null, false)]
    [InlineData("pyspark", "file: job.py", null, "databricks", false)]
    [InlineData("sql", "sql: SELECT 1", null, null, false)]
    public void BackendWarnings_TaskKindTheLocalBackendCannotRun_NamesSparkHome(string kind, string fields, string? sparkHome, string? taskBackend, bool warned)
    {
        var backend = taskBackend is null ? string.Empty : $", backend: {taskBackend}";
        var yaml = $"id: spark\ntasks:\n  - {{id: job, kind: {kind}, {fields}, outputs: [{{name: o, path: out/o}}]{backend}}}\n";
        var loaded = DagFileLoader.Load(yaml, "spark.yaml");
        Assert.True(loaded.Dag is not null, string.Join("\n", loaded.Problems));
        var spark = new SparkOptions();
        spark.Local.SparkHome = sparkHome;

        var warnings = DagBackendCheck.Warnings(loaded.Dag!, "spark.yaml", spark);

        Assert.Equal(warned, warnings.Count == 1);
        Assert.All(warnings, w => Assert.Contains("SPARK_HOME", w.Message, StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.Equal("tasks[0].kind", w.Path));
    }
}
