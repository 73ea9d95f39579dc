using System.Globalization;
using System.Runtime.InteropServices;

namespace Serverless.Cli.Tests.Support;

/// <summary>
/// The test assembly's entry point, a fake standalone host: <c>dotnet Serverless.Cli.Tests.dll</c> listens on
/// <c>ASPNETCORE_URLS</c> with the key <c>Serverless__ApiKey</c> until SIGTERM, as the real host does.
/// </summary>
/// <remarks>
/// The test runner never calls it (it loads the assembly into its own host); <c>LocalHostLauncherTests</c> start it as
/// a real child process. <c>/api/health</c> answers with the settings the child saw and its process id.
/// </remarks>
public static class FakeHostProgram
{
    /// <summary>The environment variable naming a file the fake host writes when it starts.</summary>
    public const string StartedMarkerVariable = "SERVERLESS_FAKE_HOST_STARTED";

    /// <summary>Runs the fake host until SIGTERM.</summary>
    /// <returns>The exit code.</returns>
    public static async Task<int> Main()
    {
        var url = Environment.GetEnvironmentVariable("ASPNETCORE_URLS");
        if (string.IsNullOrEmpty(url))
        {
            await Console.Error.WriteLineAsync("ASPNETCORE_URLS is not set: this is the fake host of the CLI tests, started by LocalHostLauncher.");
            return 3;
        }

        if (Environment.GetEnvironmentVariable(StartedMarkerVariable) is { Length: > 0 } marker)
        {
            // Tests that must start nothing point this at a file and check that it never appears.
            await File.WriteAllTextAsync(marker, url);
        }

        var stopped = new TaskCompletionSource();
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopped.TrySetResult();
        });
        await using var host = await FakeHost.StartAsync(Environment.GetEnvironmentVariable("Serverless__ApiKey"), url);
        var pid = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        host.Respond("GET", "/api/health", (200, $$"""{"status":"healthy","urls":"{{url}}","pid":{{pid}}}"""));
        host.Respond("GET", "/api/dags", (200, """{"dags":[{"id":"from-child","file":"child.yaml","valid":true,"tasks":1,"problems":[]}]}"""));
        await Console.Out.WriteLineAsync($"fake host listening on {host.Address}");
        await stopped.Task;
        return 0;
    }
}
