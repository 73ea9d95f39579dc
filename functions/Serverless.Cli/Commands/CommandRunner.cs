using System.CommandLine;
using Serverless.Cli.Output;

namespace Serverless.Cli.Commands;

/// <summary>Runs one command's body against a host and turns its failures into messages and exit codes.</summary>
/// <param name="environment">The CLI's environment.</param>
/// <param name="hostOptions">The host options.</param>
public sealed class CommandRunner(CliEnvironment environment, HostOptions hostOptions)
{
    /// <summary>Gets the CLI's environment.</summary>
    public CliEnvironment Environment => environment;

    /// <summary>Gets the host options.</summary>
    public HostOptions HostOptions => hostOptions;

    /// <summary>Opens a host session, runs the body, and maps failures to exit code 1 with a message on standard error.</summary>
    /// <param name="parse">The parse result.</param>
    /// <param name="json">Whether the command prints JSON.</param>
    /// <param name="body">The command's work; returns its exit code.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The exit code.</returns>
    public Task<int> RunAsync(ParseResult parse, bool json, Func<HostSession, CliOutput, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return this.RunAsync(json, (_, ct) => HostSession.OpenAsync(environment, hostOptions, parse, ct), body, cancellationToken);
    }

    /// <summary>Opens a session of the caller's (a scratch host), runs the body, and maps failures to exit code 1 with a message on standard error.</summary>
    /// <param name="json">Whether the command prints JSON.</param>
    /// <param name="open">Prepares and opens the session; its failures are reported as the body's are.</param>
    /// <param name="body">The command's work; returns its exit code.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>The exit code.</returns>
    public async Task<int> RunAsync(bool json, Func<CliOutput, CancellationToken, Task<HostSession>> open, Func<HostSession, CliOutput, CancellationToken, Task<int>> body, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(open);
        ArgumentNullException.ThrowIfNull(body);
        var output = new CliOutput(environment, json);
        HostSession? session = null;
        try
        {
            session = await open(output, cancellationToken).ConfigureAwait(false);
            return await body(session, output, cancellationToken).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            if (json && e.Problem is not null)
            {
                // Scripts read the host's problem details (validation problems, missing runs) as they came.
                output.WriteJson(e.Problem);
            }

            output.WriteError(e.Message);
            return ExitCodes.Failure;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C or SIGTERM: stop waiting (and stop a local host in finally); a run on a remote host goes on.
            output.WriteError("cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (HttpRequestException e)
        {
            output.WriteError($"cannot reach {session?.Api.BaseAddress.ToString() ?? "the host"}: {e.Message}. Is the host running? (omit --url to start a local one)");
            return ExitCodes.Failure;
        }
        finally
        {
            if (session is not null)
            {
                await session.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
