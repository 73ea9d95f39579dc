using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>logs</c>: prints an attempt's log, and with <c>--follow</c> tails it from the last byte across a retry.</summary>
public sealed class LogsCommandTests
{
    private const string LogPath = "/api/runs/r1/tasks/load/logs";

    [Fact]
    public async Task Logs_WithAttempt_PrintsThatAttemptsLogAsIs()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", LogPath, (200, "2026-12-01T00:00:00.000Z job j1 finished Failed\n"));

        var result = await InProcessCli.RunAsync(host, "logs", "r1", "load", "--attempt", "2");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Equal("2026-12-01T00:00:00.000Z job j1 finished Failed\n", result.Output);
        Assert.Equal("/api/runs/r1/tasks/load/logs?offset=0&attempt=2", Assert.Single(host.RequestsTo("GET", LogPath)).PathAndQuery);
    }

    [Fact]
    public async Task Logs_Follow_TailsFromTheLastByteAndMovesOnToTheRetry()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond(
            "GET",
            "/api/runs/r1",
            (202, Run("running", 1)),
            (202, Run("running", 2)),
            (200, Run("failed", 2)));
        host.Respond("GET", LogPath, (200, "first\n"), (200, "second\n"), (200, "retry\n"));

        var result = await InProcessCli.RunAsync(host, "logs", "r1", "load", "--follow");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("first\nsecond\n--- attempt 2 ---\nretry\n", result.Output.ReplaceLineEndings("\n"));

        // "first\n" is 6 bytes: the second read of attempt 1 starts there; attempt 2 starts at 0.
        Assert.Equal(
            ["offset=0&attempt=1", "offset=6&attempt=1", "offset=0&attempt=2"],
            host.RequestsTo("GET", LogPath).Select(r => r.PathAndQuery.Split('?')[1]));
    }

    [Fact]
    public async Task Logs_UnknownAttempt_ExitsWithTheHostsProblem()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", LogPath, (404, """{"title":"Not found","status":404,"detail":"Task 'load' of run 'r1' has attempts 1 to 1, not 5."}"""));

        var result = await InProcessCli.RunAsync(host, "logs", "r1", "load", "--attempt", "5");

        Assert.NotEqual(ExitCodes.Success, result.ExitCode);
        Assert.Contains("attempts 1 to 1, not 5", result.Error, StringComparison.Ordinal);
    }

    private static string Run(string taskState, int attempts) => $$"""
        {"runId":"r1","dagId":"d","state":"{{(taskState == "running" ? "running" : taskState)}}","tasks":[{"id":"load","state":"{{taskState}}","mapIndex":null,"attempts":{{attempts}}}]}
        """;
}
