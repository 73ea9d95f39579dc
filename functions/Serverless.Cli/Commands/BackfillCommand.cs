using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>backfill &lt;dagId&gt; --from iso --to iso [--max-active-runs n] [--json]</c>.</summary>
public static class BackfillCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var dagId = CommonOptions.Required("dagId", "The scheduled DAG to backfill.");
        var from = new Option<string>("--from") { Description = "The first logical date, ISO 8601.", HelpName = "iso", Required = true };
        var to = new Option<string>("--to") { Description = "The last logical date, ISO 8601.", HelpName = "iso", Required = true };
        var maxActiveRuns = new Option<int?>("--max-active-runs") { Description = "How many of the backfill's runs may run at once (default: the DAG's max active runs).", HelpName = "n" };
        maxActiveRuns.Validators.Add(result =>
        {
            if (CommonOptions.AtLeast(result, 1) is { } error)
            {
                result.AddError(error);
            }
        });
        var json = CommonOptions.Json();
        var command = new Command("backfill", "Create the runs of every schedule time from --from to --to (existing runs are kept).") { dagId, from, to, maxActiveRuns, json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var body = new JsonObject { ["from"] = parse.GetRequiredValue(from), ["to"] = parse.GetRequiredValue(to) };
            if (parse.GetValue(maxActiveRuns) is { } max)
            {
                body["maxActiveRuns"] = max;
            }

            var (_, result) = await session.Api.SendAsync(HttpMethod.Post, $"api/dags/{Uri.EscapeDataString(parse.GetRequiredValue(dagId))}/backfill", body, ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(result);
                return ExitCodes.Success;
            }

            var runs = (result?["runs"] as JsonArray ?? []).OfType<JsonNode>().ToList();
            if (runs.Count == 0)
            {
                // Silence would read as success with work done; the usual cause is a range outside the DAG's dates.
                output.Console.MarkupLineInterpolated($"No schedule times of {parse.GetRequiredValue(dagId)} from {parse.GetRequiredValue(from)} to {parse.GetRequiredValue(to)} (see its schedule, startDate and endDate with 'dags show'): no runs created.");
            }

            foreach (var run in runs)
            {
                output.Console.MarkupLineInterpolated($"{run["id"]} {(run["created"]?.GetValue<bool>() == true ? "started" : "exists")}");
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }
}
