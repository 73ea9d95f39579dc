using System.Text.Json.Nodes;
using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>run</c>: the trigger body, <c>--follow</c> and its exit code, and <c>--json</c>.</summary>
public sealed class RunCommandTests
{
    [Fact]
    public async Task Run_PostsParamsWithTheirJsonTypes_RunIdAndLogicalDate()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/departure-delays/runs", (202, RunDocuments.Accepted("r1")));

        var result = await InProcessCli.RunAsync(
            host, "run", "departure-delays", "--param", "min_delay=200", "--param", "origin=PHL", "--param", "dry=true", "--run-id", "r1", "--logical-date", "2024-01-01");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("Run r1 of departure-delays started", result.Output, StringComparison.Ordinal);
        var body = JsonNode.Parse(host.RequestsTo("POST", "/api/dags/departure-delays/runs")[0].Body)!;
        Assert.Equal(200, body["params"]!["min_delay"]!.GetValue<int>());
        Assert.Equal("PHL", body["params"]!["origin"]!.GetValue<string>());
        Assert.True(body["params"]!["dry"]!.GetValue<bool>());
        Assert.Equal("r1", body["runId"]!.GetValue<string>());
        Assert.Equal("2024-01-01", body["logicalDate"]!.GetValue<string>());
    }

    [Fact]
    public async Task Run_Json_PrintsTheAcceptedDocument()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/departure-delays/runs", (202, RunDocuments.Accepted("r1", created: false)));

        var result = await InProcessCli.RunAsync(host, "run", "departure-delays", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("r1", result.Json()["id"]!.GetValue<string>());
        Assert.False(result.Json()["created"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("success", ExitCodes.Success)]
    [InlineData("failed", ExitCodes.Failure)]
    public async Task Run_Follow_PollsUntilTheRunEnds_PrintsEachChangeOnce_AndExitsByItsState(string state, int expected)
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/departure-delays/runs", (202, RunDocuments.Accepted("r1")));
        host.Respond(
            "GET",
            "/api/runs/r1",
            (202, RunDocuments.Run("r1", "running", "running")),
            (202, RunDocuments.Run("r1", "running", "running")),
            (200, RunDocuments.Run("r1", state, state, state == "failed" ? "task phl-dfw-delayed failed" : null)));

        var result = await InProcessCli.RunAsync(host, "run", "departure-delays", "--follow");

        Assert.True(result.ExitCode == expected, result.ToString());
        Assert.Equal(3, host.RequestsTo("GET", "/api/runs/r1").Count);
        var lines = result.Output.ReplaceLineEndings("\n").Split('\n');
        Assert.Single(lines, l => l.Contains("phl-dfw-delayed", StringComparison.Ordinal) && l.Contains("running (attempt 1)", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("phl-dfw-delayed", StringComparison.Ordinal) && l.Contains($"{state} (attempt 1) in 2.5 s", StringComparison.Ordinal));
        Assert.Contains($"Run r1: {state}", result.Output, StringComparison.Ordinal);

        // Without storage (a remote host and no AzureWebJobsStorage) the outputs are listed by location only.
        Assert.Contains("phl-dfw-delayed.delayed → data/runs/r1/phl-dfw-delayed/delayed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_FollowJson_PrintsOnlyTheFinalRunOnStdout_AndProgressOnStderr()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/departure-delays/runs", (202, RunDocuments.Accepted("r1")));
        host.Respond("GET", "/api/runs/r1", (202, RunDocuments.Run("r1", "running", "running")), (200, RunDocuments.Run("r1", "failed", "failed")));

        var result = await InProcessCli.RunAsync(host, "run", "departure-delays", "--follow", "--json");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal("failed", result.Json()["state"]!.GetValue<string>());
        Assert.Contains("running (attempt 1)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_UnknownDag_Exits1WithTheHostsMessage()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/nope/runs", (404, """{"title":"Not Found","status":404,"detail":"DAG 'nope' does not exist. Did you mean 'hello'?"}"""));

        var result = await InProcessCli.RunAsync(host, "run", "nope");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("error: 404 Not Found: DAG 'nope' does not exist. Did you mean 'hello'?", result.Error, StringComparison.Ordinal);
    }
}
