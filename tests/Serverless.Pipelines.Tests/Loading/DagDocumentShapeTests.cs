using Serverless.Pipelines.Loading;

namespace Serverless.Pipelines.Tests.Loading;

public sealed class DagDocumentShapeTests
{
    [Theory]
    [InlineData("shape.yaml", "id: a\nid: b\ntasks: []\n", 2)]
    [InlineData("shape.json", "{\"id\": \"a\",\n\"id\": \"b\", \"tasks\": []}", 2)]
    public void Load_DuplicateKey_ReportedAtSecondKey(string file, string content, int line)
    {
        var result = DagFileLoader.Load(content, file);

        Assert.Contains(result.Problems, p => p.Line == line && (p.Message.Contains("twice", StringComparison.Ordinal) || p.Message.Contains("uplicate", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("", "the file is empty")]
    [InlineData("- id: a\n", "expected a mapping of fields")]
    [InlineData("id: a\n", "needs a 'tasks' list")]
    [InlineData("id: a\ntasks:\n  - id: t\n    sql: SELECT 1\n    outputs: [o]\n", "needs a kind")]
    [InlineData("id: a\ntasks:\n  - id: t\n    kind: sql\n    sql: [1, 2]\n    outputs: [o]\n", "'sql' must be a single value")]
    [InlineData("id: a\nmaxActiveRuns: many\ntasks: []\n", "'maxActiveRuns' must be a whole number")]
    [InlineData("id: a\ncatchup: yes\ntasks: []\n", "'catchup' must be true or false")]
    [InlineData("id: a\nstartDate: soon\ntasks: []\n", "is not a date")]
    [InlineData("id: a\nparams: [x]\ntasks: []\n", "'params' must be a mapping")]
    [InlineData("id: a\ntasks:\n  - id: t\n    kind: sql\n    sql: SELECT 1\n    outputs: [o]\n    Inputs: []\n", "did you mean 'inputs'?")]
    public void Load_WrongShape_ReportsProblem(string content, string message)
    {
        var result = DagFileLoader.Load(content, "shape.yaml");

        Assert.Contains(result.Problems, p => p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Load_UnknownExtension_Rejected()
    {
        var result = DagFileLoader.Load("id: a", "dag.txt");

        Assert.Null(result.Dag);
        Assert.Contains(".yaml", Assert.Single(result.Problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_QuotedAndPlainScalars_KeepYamlCoreSchemaTypes()
    {
        const string yaml = """
            id: a
            params:
              s: { type: string, default: "150" }
              i: { type: integer, default: 150 }
              b: { type: boolean, default: true }
              word: { type: string, default: yes }
              n: { type: number, default: .5 }
            tasks:
              - { id: t, kind: sql, sql: SELECT 1, outputs: [o] }
            """;

        var result = DagFileLoader.Load(yaml, "a.yaml");

        Assert.Empty(result.Problems);
        Assert.Equal("\"150\"", result.Dag!.FindParam("s")!.Default!.ToJsonString());
        Assert.Equal("150", result.Dag.FindParam("i")!.Default!.ToJsonString());
        Assert.Equal("\"yes\"", result.Dag.FindParam("word")!.Default!.ToJsonString());
        Assert.Equal(0.5, result.Dag.FindParam("n")!.Default!.GetValue<double>());
    }
}
