using System.Text.Json.Nodes;
using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>backfill</c>: the request body, the created and existing runs, and <c>--json</c>.</summary>
public sealed class BackfillCommandTests
{
    private const string Created = """{"runs":[{"id":"flights-daily__2024-01-01","created":true},{"id":"flights-daily__2024-01-02","created":false}]}""";

    [Fact]
    public async Task Backfill_PostsTheRange_AndListsTheRuns()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/flights-daily/backfill", (202, Created));

        var result = await InProcessCli.RunAsync(host, "backfill", "flights-daily", "--from", "2024-01-01", "--to", "2024-01-02", "--max-active-runs", "2");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("flights-daily__2024-01-01 started", result.Output, StringComparison.Ordinal);
        Assert.Contains("flights-daily__2024-01-02 exists", result.Output, StringComparison.Ordinal);
        var body = JsonNode.Parse(host.RequestsTo("POST", "/api/dags/flights-daily/backfill")[0].Body)!;
        Assert.Equal("2024-01-01", body["from"]!.GetValue<string>());
        Assert.Equal("2024-01-02", body["to"]!.GetValue<string>());
        Assert.Equal(2, body["maxActiveRuns"]!.GetValue<int>());
    }

    [Fact]
    public async Task Backfill_Json_PrintsTheHostsDocument_AndOmitsAnUnsetMaximum()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/flights-daily/backfill", (202, Created));

        var result = await InProcessCli.RunAsync(host, "backfill", "flights-daily", "--from", "2024-01-01", "--to", "2024-01-02", "--json");

        Assert.Equal(2, result.Json()["runs"]!.AsArray().Count);
        Assert.Null(JsonNode.Parse(host.RequestsTo("POST", "/api/dags/flights-daily/backfill")[0].Body)!["maxActiveRuns"]);
    }

    [Fact]
    public async Task Backfill_ParamResetFollow_PostsThemAndWaitsForEveryRunExiting1WhenOneFailed()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/flights-daily/backfill", (202, Created));
        host.Respond("GET", "/api/runs/flights-daily__2024-01-01", (202, """{"state":"running"}"""), (200, """{"state":"success"}"""));
        host.Respond("GET", "/api/runs/flights-daily__2024-01-02", (200, """{"state":"failed"}"""));

        var result = await InProcessCli.RunAsync(host, "backfill", "flights-daily", "--from", "2024-01-01", "--to", "2024-01-02", "--param", "top_n=3", "--reset", "--follow");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        var body = JsonNode.Parse(host.RequestsTo("POST", "/api/dags/flights-daily/backfill")[0].Body)!;
        Assert.Equal(3, body["params"]!["top_n"]!.GetValue<int>());
        Assert.True(body["reset"]!.GetValue<bool>());
        Assert.Equal(2, host.RequestsTo("GET", "/api/runs/flights-daily__2024-01-01").Count);
        Assert.Contains("flights-daily__2024-01-01 success", result.Output, StringComparison.Ordinal);
        Assert.Contains("2 run(s) finished, 1 failed.", result.Output, StringComparison.Ordinal);
    }
}
