using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>clear</c> and <c>mark</c>: the bodies they post.</summary>
public sealed class ClearAndMarkCommandTests
{
    [Theory]
    [InlineData(new[] { "--task", "load" }, true, false)]
    [InlineData(new[] { "--task", "load", "--no-downstream", "--upstream" }, false, true)]
    public async Task Clear_Flags_PostTheRerunSelection(string[] options, bool downstream, bool upstream)
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/runs/r1/rerun", (202, """{"id":"r1-rerun-1","created":true}"""));

        var result = await InProcessCli.RunAsync(host, ["clear", "r1", .. options, "--json"]);

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var body = System.Text.Json.Nodes.JsonNode.Parse(Assert.Single(host.RequestsTo("POST", "/api/runs/r1/rerun")).Body)!;
        Assert.Equal("load", body["tasks"]![0]!.GetValue<string>());
        Assert.False(body["onlyFailed"]!.GetValue<bool>());
        Assert.Equal(downstream, body["downstream"]!.GetValue<bool>());
        Assert.Equal(upstream, body["upstream"]!.GetValue<bool>());
        Assert.Equal("r1-rerun-1", result.Json()["id"]!.GetValue<string>());
    }

    [Fact]
    public async Task Clear_WithoutTask_IsAUsageError()
    {
        await using var host = await FakeHost.StartAsync();

        var result = await InProcessCli.RunAsync(host, "clear", "r1");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Empty(host.Requests);
    }

    [Fact]
    public async Task Mark_TaskSuccess_PostsStateAndTask()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/runs/r1/mark", (200, """{"runId":"r1","state":"failed","tasks":[{"id":"load","state":"success","markedBy":"key:default"}]}"""));

        var result = await InProcessCli.RunAsync(host, "mark", "r1", "--task", "load", "--state", "success");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("""{"state":"success","task":"load"}""", Assert.Single(host.RequestsTo("POST", "/api/runs/r1/mark")).Body);
        Assert.Contains("marked success", result.Output, StringComparison.Ordinal);
    }
}
