using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>rerun &lt;runId&gt; [--task id]... [--all] [--follow] [--rows n] [--json]</c>.</summary>
public static class RerunCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var runId = CommonOptions.Required("runId", "The run to rerun.");
        var tasks = new Option<string[]>("--task")
        {
            Description = "A task to rerun (repeatable); default: the failed ones.",
            HelpName = "id",
            Arity = ArgumentArity.OneOrMore,
        };
        var all = new Option<bool>("--all") { Description = "Rerun the selected tasks (or every task) whatever their state, not only failed ones." };
        var definition = new Option<string>("--definition")
        {
            Description = "Which definition the new run pins: current (the DAG file as it is now, the default) or original (the old run's).",
            HelpName = "current|original",
        };
        definition.AcceptOnlyFromAmong("current", "original");
        var follow = CommonOptions.Follow();
        var rows = CommonOptions.Rows();
        var json = CommonOptions.Json();
        var command = new Command("rerun", "Rerun a run's failed (or chosen) tasks as a new run, Airflow's \"clear\".") { runId, tasks, all, definition, follow, rows, json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var id = parse.GetRequiredValue(runId);
            var body = new JsonObject { ["onlyFailed"] = !parse.GetValue(all) };
            if (parse.GetValue(definition) is { } chosenDefinition)
            {
                body["definition"] = chosenDefinition;
            }

            if (parse.GetValue(tasks) is { Length: > 0 } chosen)
            {
                body["tasks"] = new JsonArray(chosen.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
            }

            var (_, started) = await session.Api.SendAsync(HttpMethod.Post, $"api/runs/{Uri.EscapeDataString(id)}/rerun", body, ct).ConfigureAwait(false);
            var startedId = started?["id"]?.ToString() ?? throw new CliException("The host's answer to the rerun has no run id.");
            if (!parse.GetValue(follow) && output.Json)
            {
                output.WriteJson(started);
                return ExitCodes.Success;
            }

            output.Console.MarkupLineInterpolated($"Rerun [bold]{startedId}[/] of {id} started.");
            return parse.GetValue(follow)
                ? await new RunFollower(session, output, runner.Environment.PollInterval).FollowAsync(startedId, parse.GetValue(rows), ct).ConfigureAwait(false)
                : ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
