using Serverless.Cli.Hosting;
using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests;

/// <summary>
/// The CLI as its own process, as a user starts it, with the fake host as the host it would start: a usage error
/// exits 2 and starts no child process (the fake host writes a marker file when it starts).
/// </summary>
public sealed class ProcessTests
{
    private static readonly string CliDll = Path.Combine(AppContext.BaseDirectory, "Serverless.Cli.dll");
    private static readonly string FakeHostDll = Path.Combine(AppContext.BaseDirectory, "Serverless.Cli.Tests.dll");

    [Theory]
    [InlineData("runz list")]
    [InlineData("tasks tset departure-delays phl-dfw-delayed")]
    [InlineData("dags tets departure-delays")]
    [InlineData("run departure-delays --folow")]
    [InlineData("dags test departure-delays --date")]
    public async Task UsageError_Exits2_AndStartsNoChildProcess(string line)
    {
        var (result, started) = await RunAsync(line);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
        Assert.False(started, $"'{line}' started a host:\n{result}");
    }

    [Fact]
    public async Task KnownCommand_WithTheSameSetup_DoesStartTheHost()
    {
        // The control for the test above: with this setup a command that needs a host starts the fake one.
        var (result, started) = await RunAsync("dags list");

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.True(started, result.ToString());
    }

    private static async Task<(CliResult Result, bool Started)> RunAsync(string line)
    {
        var marker = Path.Combine(Path.GetTempPath(), $"cli-fake-host-{Guid.NewGuid():N}");
        var variables = new Dictionary<string, string>
        {
            [LocalHostLauncher.HostDllVariable] = FakeHostDll,
            [FakeHostProgram.StartedMarkerVariable] = marker,
            ["SERVERLESS_URL"] = string.Empty,
        };
        var result = await CliProcess.RunAsync(CliDll, line.Split(' '), variables, Path.GetTempPath(), TimeSpan.FromMinutes(1));
        var started = File.Exists(marker);
        File.Delete(marker);
        return (result, started);
    }
}
