using System.Text.Json.Nodes;
using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary>
/// <c>dags test</c> and <c>tasks test</c> against a fake scratch host: which DAG file the host is given, what is
/// triggered, what is printed, and the failures that start nothing.
/// </summary>
public sealed class ScratchRunTests
{
    [Fact]
    public async Task DagsTest_GivesTheHostTheWholeDagAlone_AndTriggersWithTheDateAndParams()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/departure-delays/runs", (202, RunDocuments.Accepted("r1")));
        host.Respond("GET", "/api/runs/r1", (200, RunDocuments.Run("r1", "success", "success")));
        host.Respond("GET", "/api/runs/r1/manifest", (200, """{"tasks":[{"taskId":"phl-dfw-delayed","rowsWritten":1234567}]}"""));
        var launcher = new RecordingLauncher(host);

        var result = await InProcessCli.RunWithAsync(null, launcher, "dags", "test", "departure-delays", "--date", "2001-01-31", "--param", "min_delay=200", "--rows", "0");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var files = Assert.Single(launcher.ScratchDags);
        var dag = JsonNode.Parse(Assert.Single(files, f => f.Key == "departure-delays.json").Value)!;
        Assert.Equal(["load", "phl-dfw-delayed", "short-flights", "long-flights", "summary"], dag["tasks"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()));
        var trigger = JsonNode.Parse(Assert.Single(host.RequestsTo("POST", "/api/dags/departure-delays/runs")).Body)!;
        Assert.Equal("2001-01-31", trigger["logicalDate"]!.GetValue<string>());
        Assert.Equal(200, trigger["params"]!["min_delay"]!.GetValue<int>());
        Assert.Matches(@"│ phl-dfw-delayed\s+│ success │ 2\.5 s\s+│\s+1,234,567 │", result.Output);
        Assert.Equal(1, launcher.Stops);
    }

    [Fact]
    public async Task TasksTest_GivesTheHostTheTaskAndItsUpstreamOnly_AndSaysItsRows()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/departure-delays/runs", (202, RunDocuments.Accepted("r1")));
        host.Respond("GET", "/api/runs/r1", (200, RunDocuments.Run("r1", "success", "success")));
        host.Respond("GET", "/api/runs/r1/manifest", (200, """{"tasks":[{"taskId":"phl-dfw-delayed","rowsWritten":27}]}"""));
        var launcher = new RecordingLauncher(host);

        var result = await InProcessCli.RunWithAsync(null, launcher, "tasks", "test", "departure-delays", "phl-dfw-delayed");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        var dag = JsonNode.Parse(Assert.Single(launcher.ScratchDags)["departure-delays.json"])!;
        Assert.Equal(["load", "phl-dfw-delayed"], dag["tasks"]!.AsArray().Select(t => t!["id"]!.GetValue<string>()));
        Assert.Contains("Task phl-dfw-delayed: success, 27 rows in 2.5 s", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestRun_ThatFails_Exits1WithTheErrorInTheTable()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/departure-delays/runs", (202, RunDocuments.Accepted("r1")));
        host.Respond("GET", "/api/runs/r1", (200, RunDocuments.Run("r1", "failed", "failed", error: "bad SQL")));
        host.Respond("GET", "/api/runs/r1/manifest", (404, """{"title":"Not found"}"""));
        var launcher = new RecordingLauncher(host);

        var result = await InProcessCli.RunWithAsync(null, launcher, "dags", "test", "departure-delays", "--json");

        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Equal("failed", result.Json()["state"]!.GetValue<string>());
        Assert.Equal(1, launcher.Stops);
    }

    [Theory]
    [InlineData("dags test no-such-dag", "No DAG 'no-such-dag'")]
    [InlineData("tasks test departure-delays no-such-task", "has no task 'no-such-task'")]
    [InlineData("dags test departure-delays --dags /no/such/folder", "'/no/such/folder' does not exist")]
    public async Task UnknownDagTaskOrFolder_Exits1_AndStartsNothing(string line, string message)
    {
        var launcher = new RecordingLauncher();

        var result = await InProcessCli.RunWithAsync(null, launcher, line.Split(' '));

        Assert.True(result.ExitCode == ExitCodes.Failure, result.ToString());
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Equal(0, launcher.Starts);
    }
}
