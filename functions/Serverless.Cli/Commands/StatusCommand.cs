using System.CommandLine;
using Serverless.Cli.Output;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>status &lt;runId&gt; [--json]</c>: exit 1 when the run failed or was terminated.</summary>
public static class StatusCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var runId = CommonOptions.Required("runId", "The run id.");
        var json = CommonOptions.Json();
        var command = new Command("status", "Show a run's tasks and state; exit 1 when the run failed or was terminated, 0 when it succeeded or is still running.") { runId, json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var id = parse.GetRequiredValue(runId);
            var (status, run) = await session.Api.SendAsync(HttpMethod.Get, $"api/runs/{Uri.EscapeDataString(id)}", cancellationToken: ct).ConfigureAwait(false);
            if (run is null)
            {
                throw new CliException($"The host answered GET api/runs/{id} with an empty body.");
            }

            if (output.Json)
            {
                output.WriteJson(run);
            }
            else
            {
                output.Console.Write(RunTable.Create(run));
                output.Console.MarkupLineInterpolated($"State: [bold]{RunStates.State(run)}[/]{(RunStates.IsFinished(status) ? string.Empty : " (still running)")}{(run["error"] is { } error ? $" — {error}" : string.Empty)}");
            }

            return RunStates.ExitCode(run);
        }, cancellationToken));
        return command;
    }
}
