using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>notifications dead-letters</c>: the query it sends and the table it prints.</summary>
public sealed class NotificationsCommandTests
{
    [Fact]
    public async Task DeadLetters_DagAndRun_QueriesAndPrintsEachLetter()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/notifications/dead-letters", (200, """
            {"dagId":"alarm","runId":"r1","deadLetters":[{"eventId":"e1","dagId":"alarm","runId":"r1","taskId":"a","kind":"task_failed",
             "target":"setting:ops","attempts":5,"lastError":"HTTP 500","deadLetteredAt":"2026-12-01T10:00:00+00:00"}]}
            """));

        var result = await InProcessCli.RunAsync(host, "notifications", "dead-letters", "--dag", "alarm", "--run", "r1");
        var json = await InProcessCli.RunAsync(host, "notifications", "dead-letters", "--dag", "alarm", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("/api/notifications/dead-letters?dag=alarm&run=r1", host.RequestsTo("GET", "/api/notifications/dead-letters")[0].PathAndQuery);
        Assert.Equal("/api/notifications/dead-letters?dag=alarm", host.RequestsTo("GET", "/api/notifications/dead-letters")[1].PathAndQuery);
        foreach (var cell in new[] { "task_failed", "setting:ops", "HTTP 500", "r1" })
        {
            Assert.Contains(cell, result.Output, StringComparison.Ordinal);
        }

        Assert.Equal("e1", json.Json()["deadLetters"]![0]!["eventId"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeadLetters_WithoutDag_IsAUsageError()
    {
        await using var host = await FakeHost.StartAsync();

        var result = await InProcessCli.RunAsync(host, "notifications", "dead-letters");

        Assert.Equal(ExitCodes.Usage, result.ExitCode);
        Assert.Empty(host.Requests);
    }
}
