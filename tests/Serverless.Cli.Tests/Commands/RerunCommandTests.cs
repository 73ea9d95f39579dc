using System.Text.Json.Nodes;
using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>rerun</c>: the request body, <c>--follow</c> and <c>--json</c>.</summary>
public sealed class RerunCommandTests
{
    [Fact]
    public async Task Rerun_Default_AsksForTheFailedTasks()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/runs/r1/rerun", (202, RunDocuments.Accepted("r1-rerun-1")));

        var result = await InProcessCli.RunAsync(host, "rerun", "r1");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("Rerun r1-rerun-1 of r1 started.", result.Output, StringComparison.Ordinal);
        var body = JsonNode.Parse(host.RequestsTo("POST", "/api/runs/r1/rerun")[0].Body)!;
        Assert.True(body["onlyFailed"]!.GetValue<bool>());
        Assert.Null(body["tasks"]);
    }

    [Fact]
    public async Task Rerun_TasksAndAll_AreSent()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/runs/r1/rerun", (202, RunDocuments.Accepted("r1-rerun-1")));

        var result = await InProcessCli.RunAsync(host, "rerun", "r1", "--task", "load", "--task", "report", "--all", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("r1-rerun-1", result.Json()["id"]!.GetValue<string>());
        var body = JsonNode.Parse(host.RequestsTo("POST", "/api/runs/r1/rerun")[0].Body)!;
        Assert.False(body["onlyFailed"]!.GetValue<bool>());
        Assert.Equal(["load", "report"], body["tasks"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    [Fact]
    public async Task Rerun_DefinitionOriginal_IsSent()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/runs/r1/rerun", (202, RunDocuments.Accepted("r1-rerun-1")));

        var result = await InProcessCli.RunAsync(host, "rerun", "r1", "--definition", "original");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var body = JsonNode.Parse(host.RequestsTo("POST", "/api/runs/r1/rerun")[0].Body)!;
        Assert.Equal("original", body["definition"]!.GetValue<string>());
    }

    [Fact]
    public async Task Rerun_DefinitionNeitherCurrentNorOriginal_IsAUsageError()
    {
        await using var host = await FakeHost.StartAsync();

        var result = await InProcessCli.RunAsync(host, "rerun", "r1", "--definition", "latest");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Empty(host.RequestsTo("POST", "/api/runs/r1/rerun"));
    }

    [Fact]
    public async Task Rerun_Follow_ExitsByTheNewRunsState()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/runs/r1/rerun", (202, RunDocuments.Accepted("r1-rerun-1")));
        host.Respond("GET", "/api/runs/r1-rerun-1", (200, RunDocuments.Run("r1-rerun-1", "success", "success")));

        var result = await InProcessCli.RunAsync(host, "rerun", "r1", "--follow", "--rows", "0");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("Run r1-rerun-1: success", result.Output, StringComparison.Ordinal);
    }
}
