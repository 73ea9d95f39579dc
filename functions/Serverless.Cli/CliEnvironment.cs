using Serverless.Cli.Hosting;

namespace Serverless.Cli;

/// <summary>What the CLI runs in: its output streams, its environment variables and how it starts a local host.</summary>
/// <remarks>The process passes the real console and environment; tests pass writers, a dictionary and a fake launcher.</remarks>
public sealed class CliEnvironment
{
    /// <summary>Initializes a new instance of the <see cref="CliEnvironment"/> class.</summary>
    /// <param name="output">Standard output: tables, messages and <c>--json</c> documents.</param>
    /// <param name="error">Standard error: errors, parse errors and progress of a local host.</param>
    /// <param name="outputIsTerminal">Whether standard output is a terminal (colors, live tables, wrapping to its width).</param>
    /// <param name="variables">Reads an environment variable.</param>
    /// <param name="launcher">Starts a local host when no <c>--url</c> is given; null for <see cref="LocalHostLauncher"/>.</param>
    public CliEnvironment(TextWriter output, TextWriter error, bool outputIsTerminal, Func<string, string?> variables, IHostLauncher? launcher = null)
    {
        this.Output = output ?? throw new ArgumentNullException(nameof(output));
        this.Error = error ?? throw new ArgumentNullException(nameof(error));
        this.OutputIsTerminal = outputIsTerminal;
        this.Variables = variables ?? throw new ArgumentNullException(nameof(variables));
        this.Launcher = launcher ?? new LocalHostLauncher(variables, error);
    }

    /// <summary>Gets standard output.</summary>
    public TextWriter Output { get; }

    /// <summary>Gets standard error.</summary>
    public TextWriter Error { get; }

    /// <summary>Gets a value indicating whether standard output is a terminal.</summary>
    public bool OutputIsTerminal { get; }

    /// <summary>Gets the environment variable reader.</summary>
    public Func<string, string?> Variables { get; }

    /// <summary>Gets the launcher of local hosts.</summary>
    public IHostLauncher Launcher { get; }

    /// <summary>Gets or sets how often <c>--follow</c> asks the host for the run's state. The default is 500 ms.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Gets or sets a value indicating whether Ctrl+C and SIGTERM cancel the command (the real process only). The default is false.</summary>
    public bool HandleTermination { get; set; }

    /// <summary>Gets the environment of this process: the console, its variables and the child-process launcher.</summary>
    /// <returns>The environment.</returns>
    public static CliEnvironment FromProcess() =>
        new(Console.Out, Console.Error, !Console.IsOutputRedirected, Environment.GetEnvironmentVariable) { HandleTermination = true };
}
