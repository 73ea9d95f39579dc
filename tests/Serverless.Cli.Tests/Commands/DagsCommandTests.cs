using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>dags list</c>, <c>dags validate</c>, <c>dags show</c>: tables, <c>--json</c> and full-width output.</summary>
public sealed class DagsCommandTests
{
    private const string DagList = """
        {"dags":[
          {"id":"departure-delays","file":"departure-delays.yaml","valid":true,"schedule":null,"tasks":3,"problems":[]},
          {"id":null,"file":"broken.yaml","valid":false,"tasks":0,"problems":[{"file":"broken.yaml","line":3,"column":5,"path":"tasks[0]","message":"unknown field"}]}
        ]}
        """;

    [Fact]
    public async Task List_Json_PrintsTheHostsDocument()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/dags", (200, DagList));

        var result = await InProcessCli.RunAsync(host, "dags", "list", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var dags = result.Json()["dags"]!.AsArray();
        Assert.Equal(2, dags.Count);
        Assert.Equal("departure-delays", dags[0]!["id"]!.GetValue<string>());
        Assert.False(dags[1]!["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task List_Table_ShowsProblemsCountAndManualSchedules()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/dags", (200, DagList));

        var result = await InProcessCli.RunAsync(host, "dags", "list");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("manual", result.Output, StringComparison.Ordinal);
        Assert.Contains("1 problem(s)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_NotInATerminal_IsNotCutAt80Columns()
    {
        var file = "a-very-long-folder-name/" + new string('x', 150) + ".yaml";
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/dags", (200, $$"""{"dags":[{"id":"long","file":"{{file}}","valid":true,"tasks":1,"problems":[]}]}"""));

        var result = await InProcessCli.RunAsync(host, "dags", "list");

        Assert.Contains(result.Output.ReplaceLineEndings("\n").Split('\n'), line => line.Contains(file, StringComparison.Ordinal) && line.Contains("valid", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("pause", true)]
    [InlineData("unpause", false)]
    public async Task Pause_PostsToTheDagsRouteAndSaysTheNewState(string verb, bool paused)
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", $"/api/dags/flights-daily/{verb}", (200, $$"""{"dagId":"flights-daily","paused":{{(paused ? "true" : "false")}}}"""));

        var result = await InProcessCli.RunAsync(host, "dags", verb, "flights-daily");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Single(host.RequestsTo("POST", $"/api/dags/flights-daily/{verb}"));
        Assert.Contains(paused ? "is paused" : "is unpaused", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_PostsTheFileAndReportsItValid()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/validate", (200, """{"valid":true,"id":"hello","dag":{},"mermaid":"graph TD","warnings":[{"path":"tasks[0].kind","message":"set SPARK_HOME"}]}"""));
        var path = Path.Combine(Path.GetTempPath(), $"cli-test-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, "dag_id: hello\n");
        try
        {
            var result = await InProcessCli.RunAsync(host, "dags", "validate", path);
            var json = await InProcessCli.RunAsync(host, "dags", "validate", path, "--json");

            Assert.Equal(ExitCodes.Success, result.ExitCode);
            Assert.Contains($"{path}: DAG 'hello' is valid.", result.Output, StringComparison.Ordinal);
            var request = host.RequestsTo("POST", "/api/dags/validate")[0];
            Assert.Equal("/api/dags/validate?format=yaml&file=" + Uri.EscapeDataString(path), request.PathAndQuery);
            Assert.Contains($"{path}: warning: tasks[0].kind: set SPARK_HOME", result.Output, StringComparison.Ordinal);
            Assert.Equal("dag_id: hello\n", request.Body);
            Assert.True(json.Json()["valid"]!.GetValue<bool>());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Validate_InvalidFile_Exits1AndNamesTheUsersFileNotThePostedOne()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/validate", (400, """
            {"title":"Invalid DAG","status":400,"detail":"The DAG has 2 problem(s); each names its line, column and path.",
             "problems":[
               {"file":"posted.yaml","line":3,"column":5,"path":"tasks[0].sql","message":"unknown output 'x'"},
               {"file":"posted.yaml","line":7,"column":1,"path":"schedule","message":"not a cron expression"}]}
            """));
        var path = Path.Combine(Path.GetTempPath(), $"cli-test-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(path, "dag_id: broken\n");
        try
        {
            var result = await InProcessCli.RunAsync(host, "dags", "validate", path);
            var json = await InProcessCli.RunAsync(host, "dags", "validate", path, "--json");

            Assert.Equal(ExitCodes.Failure, result.ExitCode);
            Assert.Contains($"{path}:3:5 tasks[0].sql: unknown output 'x'", result.Error, StringComparison.Ordinal);
            Assert.Contains($"{path}:7:1 schedule: not a cron expression", result.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("posted.yaml", result.Error, StringComparison.Ordinal);
            Assert.Equal(ExitCodes.Failure, json.ExitCode);
            var problems = json.Json()["problems"]!.AsArray();
            Assert.Equal(2, problems.Count);
            Assert.All(problems, p => Assert.Equal(path, p!["file"]!.GetValue<string>()));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Validate_MissingFile_Exits1WithoutCallingTheHost()
    {
        await using var host = await FakeHost.StartAsync();

        var result = await InProcessCli.RunAsync(host, "dags", "validate", "/no/such/file.yaml");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("does not exist", result.Error, StringComparison.Ordinal);
        Assert.Empty(host.Requests);
    }

    [Fact]
    public async Task Show_PrintsSummaryAndMermaid_OrTheDocumentWithJson()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/dags/departure-delays", (200, """
            {"id":"departure-delays","description":"Delays","schedule":"0 6 * * *","catchup":false,"maxActiveRuns":1,
             "nextScheduleTimes":["2026-12-02T06:00:00+00:00"],"mermaid":"graph TD\n  a --> b","recentRuns":[],
             "audit":[{"at":"2026-12-01T10:00:00+00:00","by":"key:ops","action":"pause","detail":"the scheduler skips the DAG"}]}
            """));

        var result = await InProcessCli.RunAsync(host, "dags", "show", "departure-delays");
        var json = await InProcessCli.RunAsync(host, "dags", "show", "departure-delays", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("schedule: 0 6 * * *, catchup: false, max active runs: 1", result.Output, StringComparison.Ordinal);
        Assert.Contains("next: 2026-12-02T06:00:00+00:00", result.Output, StringComparison.Ordinal);
        Assert.Contains("2026-12-01T10:00:00+00:00  pause by key:ops: the scheduler skips the DAG", result.Output, StringComparison.Ordinal);
        Assert.Contains("```mermaid\ngraph TD\n  a --> b\n```", result.Output.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Equal("0 6 * * *", json.Json()["schedule"]!.GetValue<string>());
    }

    [Fact]
    public async Task Show_UnknownDag_Exits1()
    {
        await using var host = await FakeHost.StartAsync();

        var result = await InProcessCli.RunAsync(host, "dags", "show", "nope");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("404", result.Error, StringComparison.Ordinal);
    }
}
