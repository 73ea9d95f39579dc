using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Commands;

/// <summary>Which host a command talks to: <c>--url</c>, the environment, or a local host started and stopped around the command.</summary>
public sealed class HostSessionTests
{
    [Theory]
    [InlineData("SERVERLESS_KEY")]
    [InlineData("Serverless__ApiKey")]
    public async Task UrlAndKey_FromTheEnvironment_AreUsed(string keyVariable)
    {
        await using var host = await FakeHost.StartAsync(key: "from-env");
        host.Respond("GET", "/api/dags", (200, """{"dags":[]}"""));
        var launcher = new RecordingLauncher();
        var variables = new Dictionary<string, string> { ["SERVERLESS_URL"] = host.Address.ToString(), [keyVariable] = "from-env" };

        var result = await InProcessCli.RunWithAsync(variables, launcher, "dags", "list", "--json");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("from-env", host.Requests.Single().Key);
        Assert.Equal(0, launcher.Starts);
    }

    [Fact]
    public async Task Options_WinOverTheEnvironment_AndMayComeBeforeTheCommand()
    {
        await using var host = await FakeHost.StartAsync(key: "from-option");
        host.Respond("GET", "/api/dags", (200, """{"dags":[]}"""));
        var variables = new Dictionary<string, string> { ["SERVERLESS_URL"] = "http://127.0.0.1:1", ["SERVERLESS_KEY"] = "from-env" };

        var result = await InProcessCli.RunWithAsync(variables, null, "--url", host.Address.ToString(), "--key", "from-option", "dags", "list");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Equal("from-option", host.Requests.Single().Key);
    }

    [Fact]
    public async Task NoUrl_StartsALocalHostForTheCommand_AndStopsItAfter()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("GET", "/api/runs/r1", (200, RunDocuments.Run("r1", "failed", "failed")));
        var launcher = new RecordingLauncher(host);

        var result = await InProcessCli.RunWithAsync(null, launcher, "status", "r1");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal(1, launcher.Starts);
        Assert.Equal(1, launcher.Stops);
        Assert.Equal(host.Key, host.Requests.Single().Key);
    }

    [Fact]
    public async Task NoUrl_AndTheCommandFails_TheLocalHostIsStillStopped()
    {
        await using var host = await FakeHost.StartAsync();
        var launcher = new RecordingLauncher(host);

        var result = await InProcessCli.RunWithAsync(null, launcher, "dags", "show", "nope");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Equal(1, launcher.Stops);
    }

    [Fact]
    public async Task Cancelled_WhileFollowing_Exits130AndStopsTheLocalHost()
    {
        await using var host = await FakeHost.StartAsync();
        host.Respond("POST", "/api/dags/departure-delays/runs", (202, RunDocuments.Accepted("r1")));
        host.Respond("GET", "/api/runs/r1", (202, RunDocuments.Run("r1", "running", "running")));
        var launcher = new RecordingLauncher(host);
        using var cancel = new CancellationTokenSource();

        var running = InProcessCli.RunWithAsync(null, launcher, cancel.Token, "run", "departure-delays", "--follow");
        await Serverless.Testing.Poll.UntilAsync(() => Task.FromResult(host.RequestsTo("GET", "/api/runs/r1").Count > 0), TimeSpan.FromSeconds(30), "the first poll of the run");
        await cancel.CancelAsync();
        var result = await running;

        Assert.True(result.ExitCode == ExitCodes.Cancelled, result.ToString());
        Assert.Contains("cancelled", result.Error, StringComparison.Ordinal);
        Assert.Equal(1, launcher.Stops);
    }

    [Fact]
    public async Task UnreachableHost_Exits1WithAHint()
    {
        var result = await InProcessCli.RunAsync("status", "r1", "--url", "http://127.0.0.1:1");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("cannot reach http://127.0.0.1:1/", result.Error, StringComparison.Ordinal);
        Assert.Contains("Is the host running?", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UrlThatIsNotHttp_Exits1()
    {
        var result = await InProcessCli.RunAsync("status", "r1", "--url", "ftp://example");

        Assert.Equal(ExitCodes.Failure, result.ExitCode);
        Assert.Contains("is not an http(s) address", result.Error, StringComparison.Ordinal);
    }
}
