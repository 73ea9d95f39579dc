using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>clear &lt;runId&gt; --task id... [--no-downstream] [--upstream] [--definition current|original] [--follow]</c>:
/// Airflow's clear, as <c>POST /api/runs/{runId}/rerun</c> with the task selection.
/// </summary>
public static class ClearCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var runId = CommonOptions.Required("runId", "The finished run.");
        var tasks = new Option<string[]>("--task") { Description = "A task to clear (repeatable).", HelpName = "id", Arity = ArgumentArity.OneOrMore, Required = true };
        var downstream = new Option<bool>("--downstream") { Description = "Clear the tasks' downstream tasks too (the default)." };
        var noDownstream = new Option<bool>("--no-downstream") { Description = "Clear only the named tasks (and upstream ones with --upstream); downstream tasks are reused." };
        var upstream = new Option<bool>("--upstream") { Description = "Clear the tasks' upstream tasks too." };
        var definition = new Option<string>("--definition") { Description = "Which definition the new run pins: current (default) or original.", HelpName = "current|original" };
        definition.AcceptOnlyFromAmong("current", "original");
        var follow = CommonOptions.Follow();
        var rows = CommonOptions.Rows();
        var json = CommonOptions.Json();
        var command = new Command("clear", "Clear tasks of a finished run: a new run re-executes them (with downstream tasks unless --no-downstream, upstream ones with --upstream) and reuses the rest.")
        {
            runId, tasks, downstream, noDownstream, upstream, definition, follow, rows, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(downstream) && result.GetValue(noDownstream))
            {
                result.AddError("--downstream and --no-downstream cannot both be given.");
            }
        });
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var id = parse.GetRequiredValue(runId);
            var body = new JsonObject
            {
                ["tasks"] = new JsonArray(parse.GetRequiredValue(tasks).Select(t => (JsonNode?)JsonValue.Create(t)).ToArray()),
                ["onlyFailed"] = false,
                ["downstream"] = !parse.GetValue(noDownstream),
                ["upstream"] = parse.GetValue(upstream),
            };
            if (parse.GetValue(definition) is { } chosen)
            {
                body["definition"] = chosen;
            }

            var (_, started) = await session.Api.SendAsync(HttpMethod.Post, $"api/runs/{Uri.EscapeDataString(id)}/rerun", body, ct).ConfigureAwait(false);
            var startedId = started?["id"]?.ToString() ?? throw new CliException("The host's answer to the clear has no run id.");
            if (!parse.GetValue(follow) && output.Json)
            {
                output.WriteJson(started);
                return ExitCodes.Success;
            }

            output.Console.MarkupLineInterpolated($"Cleared into run [bold]{startedId}[/] (rerun of {id}).");
            return parse.GetValue(follow)
                ? await new RunFollower(session, output, runner.Environment.PollInterval).FollowAsync(startedId, parse.GetValue(rows), ct).ConfigureAwait(false)
                : ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
