using System.CommandLine;
using System.Text.Json.Nodes;
using Serverless.Cli.Output;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>mark &lt;runId&gt; --state success|failed [--task id] [--json]</c>: mark a run (running or finished) or one of its tasks.</summary>
public static class MarkCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var runId = CommonOptions.Required("runId", "The run (running or finished).");
        var state = new Option<string>("--state") { Description = "The state to set.", HelpName = "success|failed", Required = true };
        state.AcceptOnlyFromAmong("success", "failed");
        var task = new Option<string>("--task") { Description = "Mark this task (every map index) instead of the whole run.", HelpName = "id" };
        var json = CommonOptions.Json();
        var command = new Command("mark", "Mark a run, or one task of it, success or failed; on a running run the marked task's job (or every running job, for the whole run) is cancelled. Recorded in the run's audit trail; a rerun reuses a task marked success.") { runId, state, task, json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var id = parse.GetRequiredValue(runId);
            var body = new JsonObject { ["state"] = parse.GetRequiredValue(state) };
            if (parse.GetValue(task) is { Length: > 0 } taskId)
            {
                body["task"] = taskId;
            }

            var (_, run) = await session.Api.SendAsync(HttpMethod.Post, $"api/runs/{Uri.EscapeDataString(id)}/mark", body, ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(run);
                return ExitCodes.Success;
            }

            if (run is not null)
            {
                output.Console.Write(RunTable.Create(run));
            }

            output.Console.MarkupLineInterpolated($"{(body["task"] is { } marked ? $"Task '{marked}' of run {id}" : $"Run {id}")} marked [bold]{body["state"]}[/].");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
