using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Serverless.Cli.Hosting;
using Serverless.Cli.Http;
using Serverless.Cli.Tests.Support;

namespace Serverless.Cli.Tests.Hosting;

/// <summary>
/// The child-process launcher, against real child processes: this test assembly's own entry point is a fake host
/// (<see cref="FakeHostProgram"/>), and the CLI's dll stands in for a host that exits during start.
/// </summary>
public sealed class LocalHostLauncherTests
{
    private static readonly string FakeHostDll = Path.Combine(AppContext.BaseDirectory, "Serverless.Cli.Tests.dll");
    private static readonly string ExitingHostDll = Path.Combine(AppContext.BaseDirectory, "Serverless.Cli.dll");

    [Fact]
    public void FindHostDll_ConfiguredFileMissing_SaysWhichVariable()
    {
        var launcher = Launcher(new() { [LocalHostLauncher.HostDllVariable] = "/no/such/host.dll" });

        var e = Assert.Throws<CliException>(launcher.FindHostDll);

        Assert.Contains("SERVERLESS_HOST_DLL is '/no/such/host.dll'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindHostDll_NothingConfiguredOrBuilt_SaysHowToGetOne()
    {
        // The test output has no Serverless.LocalHost.dll next to it and no sibling Serverless.LocalHost project.
        var e = Assert.Throws<CliException>(Launcher([]).FindHostDll);

        Assert.Contains("dotnet build functions/Serverless.LocalHost", e.Message, StringComparison.Ordinal);
        Assert.Contains("--url", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FindHostDll_Configured_IsUsed() =>
        Assert.Equal(FakeHostDll, Launcher(new() { [LocalHostLauncher.HostDllVariable] = FakeHostDll }).FindHostDll());

    [Fact]
    public async Task Start_RunsTheHostAsAChildOnALoopbackPortWithAGeneratedKey_AndDisposeStopsIt()
    {
        using var progress = new StringWriter();
        var launcher = new LocalHostLauncher(new Dictionary<string, string> { [LocalHostLauncher.HostDllVariable] = FakeHostDll }.GetValueOrDefault, progress);

        int pid;
        await using (var host = await launcher.StartAsync())
        {
            Assert.Equal("127.0.0.1", host.Address.Host);
            Assert.Equal(48, host.Key.Length);
            using var api = new ApiClient(host.Address, host.Key);
            var (status, health) = await api.SendAsync(HttpMethod.Get, "api/health");
            Assert.Equal(HttpStatusCode.OK, status);

            Assert.Equal(host.Address.ToString().TrimEnd('/'), health!["urls"]!.GetValue<string>());
            pid = health["pid"]!.GetValue<int>();
            Assert.Equal("UseDevelopmentStorage=true", host.StorageConnectionString);
            Assert.Contains($"Started a local host on {host.Address}", progress.ToString(), StringComparison.Ordinal);
        }

        Assert.False(IsRunning(pid), $"The child host {pid} still runs after dispose.");
    }

    [Theory]
    [InlineData(null, "from-local-settings")]
    [InlineData("from-environment", "from-environment")]
    public async Task Start_StorageForPreviews_IsTheEnvironmentsThenLocalSettings(string? environment, string expected)
    {
        var folder = Directory.CreateTempSubdirectory("cli-launcher-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder.FullName, "local.settings.json"), """
                {
                  // as the Functions Core Tools write it
                  "IsEncrypted": false,
                  "Values": { "AzureWebJobsStorage": "from-local-settings" },
                }
                """);
            var variables = new Dictionary<string, string> { [LocalHostLauncher.HostDllVariable] = FakeHostDll };
            if (environment is not null)
            {
                variables["AzureWebJobsStorage"] = environment;
            }

            var launcher = new LocalHostLauncher(variables.GetValueOrDefault, TextWriter.Null, workingDirectory: folder.FullName);
            await using var host = await launcher.StartAsync();

            Assert.Equal(expected, host.StorageConnectionString);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Start_TwoHosts_GetDifferentPortsAndKeys()
    {
        var launcher = Launcher(new() { [LocalHostLauncher.HostDllVariable] = FakeHostDll });

        await using var first = await launcher.StartAsync();
        await using var second = await launcher.StartAsync();

        Assert.NotEqual(first.Address.Port, second.Address.Port);
        Assert.NotEqual(first.Key, second.Key);
    }

    [Fact]
    public async Task Start_HostExitsDuringStart_FailsWithItsExitCodeAndLog()
    {
        var launcher = Launcher(new() { [LocalHostLauncher.HostDllVariable] = ExitingHostDll });

        var e = await Assert.ThrowsAsync<CliException>(() => launcher.StartAsync());

        // The CLI's own dll with no command is a usage error: exit code 2, and its message is in the log.
        Assert.Contains("exited during start (exit code 2)", e.Message, StringComparison.Ordinal);
        Assert.Contains("Required command was not provided", e.Message, StringComparison.Ordinal);

        // A failed start keeps its log for the reader; this test is that reader.
        var log = Regex.Match(e.Message, @"its log \((?<path>[^)]+)\)").Groups["path"].Value;
        Assert.True(File.Exists(log), e.Message);
        File.Delete(log);
    }

    [Fact]
    public async Task Cli_WithoutUrl_TalksToTheChildHost_AndStopsIt()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var variables = new Dictionary<string, string> { [LocalHostLauncher.HostDllVariable] = FakeHostDll };
        var environment = new CliEnvironment(output, error, outputIsTerminal: false, variables.GetValueOrDefault);

        var code = await new CliApplication(environment).RunAsync(["dags", "list", "--json"]);

        Assert.True(code == ExitCodes.Success, $"{output}\n{error}");
        Assert.Equal("from-child", new CliResult(code, output.ToString(), error.ToString()).Json()["dags"]![0]!["id"]!.GetValue<string>());
        Assert.Contains("Started a local host", error.ToString(), StringComparison.Ordinal);
    }

    private static LocalHostLauncher Launcher(Dictionary<string, string> variables) => new(variables.GetValueOrDefault, TextWriter.Null);

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
