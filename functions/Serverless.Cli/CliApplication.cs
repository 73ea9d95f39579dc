using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Serverless.Cli.Commands;

namespace Serverless.Cli;

/// <summary>
/// The command-line interface: parses the command line with System.CommandLine and runs the command against a host's
/// HTTP API (<c>--url</c>), or against a local host started for the command when none is given.
/// </summary>
/// <remarks>
/// Parse errors (an unknown command or option, a missing or malformed value) print the error and a suggestion on
/// standard error and exit with <see cref="ExitCodes.Usage"/> before anything is started or called.
/// </remarks>
public sealed class CliApplication
{
    /// <summary>The name help shows for the CLI: its executable's, whatever process hosts it.</summary>
    public const string CommandName = "Serverless.Cli";

    private readonly CliEnvironment environment;

    /// <summary>Initializes a new instance of the <see cref="CliApplication"/> class.</summary>
    /// <param name="environment">Where the CLI runs.</param>
    public CliApplication(CliEnvironment environment)
    {
        this.environment = environment ?? throw new ArgumentNullException(nameof(environment));
        var runner = new CommandRunner(environment, new HostOptions());
        this.Root = new RootCommand("Serverless: DAG runs on Azure Functions, locally or remote. Talks to a host over its HTTP API.")
        {
            runner.HostOptions.Url,
            runner.HostOptions.Key,
            DagsCommand.Create(runner),
            RunCommand.Create(runner),
            StatusCommand.Create(runner),
            LogsCommand.Create(runner),
            TerminateCommand.Create(runner),
            RerunCommand.Create(runner),
            BackfillCommand.Create(runner),
            TasksCommand.Create(runner),
            RunsCommand.Create(runner),
            ClearCommand.Create(runner),
            MarkCommand.Create(runner),
            NotificationsCommand.Create(runner),
            PoolsCommand.Create(runner),
        };
        this.Root.HelpName = CommandName;

        if (!environment.OutputIsTerminal && this.Root.Options.OfType<HelpOption>().FirstOrDefault()?.Action is HelpAction help)
        {
            // Help in a pipe or a log is not wrapped at the 80 columns System.CommandLine assumes without a console.
            help.MaxWidth = int.MaxValue;
        }
    }

    /// <summary>Gets the root command (every command and option), for help and for tests.</summary>
    public RootCommand Root { get; }

    /// <summary>Runs the process's command line against the real console.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public static Task<int> RunProcessAsync(string[] args) => new CliApplication(CliEnvironment.FromProcess()).RunAsync(args);

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">The arguments.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The exit code (see <see cref="ExitCodes"/>).</returns>
    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        var parse = this.Root.Parse(args);
        var configuration = new InvocationConfiguration
        {
            Output = this.environment.Output,
            Error = this.environment.Error,

            // A failure the commands do not expect (a host answering in an unknown shape) prints its stack trace and
            // exits 1 instead of crashing the process; expected failures are CliExceptions with one-line messages.
            EnableDefaultExceptionHandler = true,
            ProcessTerminationTimeout = this.environment.HandleTermination ? TimeSpan.FromSeconds(30) : null,
        };
        if (parse.Action is ParseErrorAction errors)
        {
            // The suggestions ("did you mean …") are enough; the whole help after them would bury the error.
            errors.ShowHelp = false;
            errors.ShowTypoCorrections = true;

            // Standard output stays empty on a usage error, so a script reading it never takes a suggestion for data.
            configuration.Output = this.environment.Error;
            await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
            await this.environment.Error.WriteLineAsync($"Run '{CommandName} {CommandPath(parse)}--help' for usage.").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result?.Parent is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return names.Count == 0 ? string.Empty : string.Join(' ', names) + " ";
    }
}
