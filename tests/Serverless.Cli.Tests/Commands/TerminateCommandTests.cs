using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary><c>terminate</c>: the reason travels in the query.</summary>
public sealed class TerminateCommandTests
{
    [Theory]
    [InlineData(new[] { "--reason", "wrong params" }, "?reason=wrong%20params")]
    [InlineData(new string[0], "?reason=terminated%20from%20the%20CLI")]
    public async Task Terminate_PostsTheReason(string[] extra, string query)
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/runs/r1/terminate", (202, string.Empty));

        var result = await InProcessCli.RunAsync(host, ["terminate", "r1", .. extra]);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("Terminating r1.", result.Output, StringComparison.Ordinal);
        Assert.Equal("/api/runs/r1/terminate" + query, host.RequestsTo("POST", "/api/runs/r1/terminate")[0].PathAndQuery);
    }
}
