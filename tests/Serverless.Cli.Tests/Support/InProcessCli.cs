using Serverless.Cli.Hosting;
using Serverless.Testing;

namespace Serverless.Cli.Tests.Support;

/// <summary>Runs the CLI in-process with captured output, an explicit environment (never the test process's) and a launcher.</summary>
public static class InProcessCli
{
    /// <summary>Runs a command line.</summary>
    /// <param name="variables">The environment variables the CLI sees.</param>
    /// <param name="launcher">The launcher; by default one that fails the test if a host is started.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The result.</returns>
    public static Task<CliResult> RunWithAsync(IReadOnlyDictionary<string, string>? variables, IHostLauncher? launcher, params string[] args) =>
        RunWithAsync(variables, launcher, CancellationToken.None, args);

    /// <summary>Runs a command line that may be cancelled, as Ctrl+C cancels it.</summary>
    /// <param name="variables">The environment variables the CLI sees.</param>
    /// <param name="launcher">The launcher; by default one that fails the test if a host is started.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The result.</returns>
    public static async Task<CliResult> RunWithAsync(IReadOnlyDictionary<string, string>? variables, IHostLauncher? launcher, CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(output, error, outputIsTerminal: false, name => variables?.GetValueOrDefault(name), launcher ?? new RecordingLauncher())
        {
            PollInterval = TimeSpan.FromMilliseconds(1),
        };
        var code = await new CliApplication(environment).RunAsync(args, cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command line as a user would with nothing running: the real local host (this checkout's build) is started as the command needs it.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The result.</returns>
    public static Task<CliResult> RunWithRealHostAsync(params string[] args) => RunWithRealHostAsync(new StringWriter(), CancellationToken.None, args);

    /// <summary>Runs a command line with the real local host and more environment variables (a host's URL, key and storage).</summary>
    /// <param name="variables">The variables, on top of the host dll's.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The result.</returns>
    public static Task<CliResult> RunWithRealHostAsync(IReadOnlyDictionary<string, string> variables, params string[] args) =>
        RunRealAsync(variables, new StringWriter(), args, CancellationToken.None);

    /// <summary>Runs a command line with the real local host, writing standard output to the given writer, cancellable as by Ctrl+C.</summary>
    /// <param name="output">Standard output (disposed here).</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The result.</returns>
    public static Task<CliResult> RunWithRealHostAsync(StringWriter output, CancellationToken cancellationToken, params string[] args) =>
        RunRealAsync(new Dictionary<string, string>(), output, args, cancellationToken);

    private static async Task<CliResult> RunRealAsync(IReadOnlyDictionary<string, string> extra, StringWriter output, string[] args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var disposeOutput = output;
        using var error = new StringWriter();
        var variables = new Dictionary<string, string>(extra) { [LocalHostLauncher.HostDllVariable] = RepositoryPaths.LocalHostDll };
        var environment = new CliEnvironment(output, error, outputIsTerminal: false, variables.GetValueOrDefault)
        {
            PollInterval = TimeSpan.FromMilliseconds(200),
        };
        var code = await new CliApplication(environment).RunAsync(args, cancellationToken);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    /// <summary>Runs a command line against a fake host (<c>--url</c> and <c>--key</c> appended).</summary>
    /// <param name="host">The fake host.</param>
    /// <param name="args">The arguments.</param>
    /// <returns>The result.</returns>
    public static Task<CliResult> RunAsync(FakeHost host, params string[] args) =>
        RunWithAsync(null, null, [.. args, "--url", host.Address.ToString(), "--key", host.Key ?? string.Empty]);

    /// <summary>Runs a command line that must not reach any host.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The result.</returns>
    public static Task<CliResult> RunAsync(params string[] args) => RunWithAsync(null, null, args);
}
