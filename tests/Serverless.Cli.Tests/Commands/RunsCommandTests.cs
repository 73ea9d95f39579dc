using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>runs list</c>: filters passed to GET /api/runs, continuation followed up to the limit.</summary>
public sealed class RunsCommandTests
{
    [Fact]
    public async Task List_TwoPagesAndALimitOf3_FollowsTheContinuationAndStopsAtTheLimit()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond(
            "GET",
            "/api/runs",
            (200, """{"runs":[{"runId":"r3","dagId":"d","state":"failed","logicalDate":"2024-01-03T00:00:00Z","triggeredBy":"schedule"},{"runId":"r2","dagId":"d","state":"failed"}],"continuation":"next-1"}"""),
            (200, """{"runs":[{"runId":"r1","dagId":"d","state":"failed"}],"continuation":"next-2"}"""));

        var result = await InProcessCli.RunAsync(host, "runs", "list", "--dag", "d", "--state", "failed", "--limit", "3", "--json");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal(["r3", "r2", "r1"], result.Json()["runs"]!.AsArray().Select(r => r!["runId"]!.GetValue<string>()));
        var requests = host.RequestsTo("GET", "/api/runs");
        Assert.Equal(2, requests.Count);
        Assert.Equal("/api/runs?dag=d&state=failed&pageSize=3", requests[0].PathAndQuery);
        Assert.Equal("/api/runs?dag=d&state=failed&pageSize=1&continuation=next-1", requests[1].PathAndQuery);
    }

    [Fact]
    public async Task List_Table_ShowsRunDagAndState()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/runs", (200, """{"runs":[{"runId":"flights-daily__scheduled-20010101T000000Z","dagId":"flights-daily","state":"success","triggeredBy":"backfill","deadlineMissed":true},{"runId":"on-time","dagId":"flights-daily","state":"success","deadlineMissed":false}]}"""));

        var result = await InProcessCli.RunAsync(host, "runs", "list");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        var lines = result.Output.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains(lines, l => l.Contains("flights-daily__scheduled-20010101T000000Z", StringComparison.Ordinal) && l.Contains("success", StringComparison.Ordinal) && l.Contains("backfill", StringComparison.Ordinal) && l.Contains("missed", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("on-time", StringComparison.Ordinal) && !l.Contains("missed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_UnknownState_IsAUsageError()
    {
        await using var host = await FakeHost.StartAsync();

        var result = await InProcessCli.RunAsync(host, "runs", "list", "--state", "sleeping");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Empty(host.Requests);
    }
}
