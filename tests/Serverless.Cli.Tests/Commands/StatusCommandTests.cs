using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>status</c>: exit codes by run state, the table, and <c>--json</c>.</summary>
public sealed class StatusCommandTests
{
    [Theory]
    [InlineData("success", 200, ExitCodes.Success)]
    [InlineData("failed", 200, ExitCodes.Failure)]
    [InlineData("running", 202, ExitCodes.Success)]
    [InlineData("queued", 202, ExitCodes.Success)]
    public async Task Status_ExitCodeFollowsTheRunState(string state, int status, int expected)
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/runs/r1", (status, RunDocuments.Run("r1", state, state == "queued" ? "none" : state)));

        var result = await InProcessCli.RunAsync(host, "status", "r1");

        Assert.True(result.ExitCode == expected, result.ToString());
        Assert.Contains($"State: {state}", result.Output, StringComparison.Ordinal);
        Assert.Contains("phl-dfw-delayed", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_OfATerminatedRun_Exits1AndShowsWhy()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/runs/r1", (200, RunDocuments.Run("r1", "failed", "failed", error: "terminated: wrong params")));

        var result = await InProcessCli.RunAsync(host, "status", "r1");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("terminated: wrong params", result.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("success", ExitCodes.Success)]
    [InlineData("failed", ExitCodes.Failure)]
    public async Task Status_Json_PrintsTheRunDocumentOnlyAndKeepsTheExitCode(string state, int expected)
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/runs/r1", (200, RunDocuments.Run("r1", state, state)));

        var result = await InProcessCli.RunAsync(host, "status", "r1", "--json");

        Assert.Equal(expected, result.ExitCode);
        var run = result.Json();
        Assert.Equal("r1", run["runId"]!.GetValue<string>());
        Assert.Equal(state, run["state"]!.GetValue<string>());
        Assert.Equal("phl-dfw-delayed", run["tasks"]![0]!["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Status_OfAMissingRun_Exits1AndPrintsTheProblemAsJson()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/runs/nope", (404, """{"title":"Not Found","status":404,"detail":"Run 'nope' does not exist (or was purged)."}"""));

        var result = await InProcessCli.RunAsync(host, "status", "nope", "--json");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal(404, result.Json()["status"]!.GetValue<int>());
        Assert.Contains("error: 404 Not Found: Run 'nope' does not exist", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_SendsTheKey_AndAWrongKeyIsAFailureNotAUsageError()
    {
        await using var host = await FakeHost.StartAsync(key: "right");
        host.Respond("GET", "/api/runs/r1", (200, RunDocuments.Run("r1", "success", "success")));

        var wrong = await InProcessCli.RunWithAsync(null, null, "status", "r1", "--url", host.Address.ToString(), "--key", "wrong");
        var right = await InProcessCli.RunWithAsync(null, null, "status", "r1", "--url", host.Address.ToString(), "--key", "right");

        Assert.Equal(ExitCodes.Failure, wrong.ExitCode);
        Assert.Contains("401", wrong.Error, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Success, right.ExitCode);
    }
}
