using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>backfill &lt;dagId&gt; --from iso --to iso [--max-active-runs n] [--param k=v]... [--reset] [--follow] [--json]</c>.</summary>
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
        var parameters = CommonOptions.Params();
        var reset = new Option<bool>("--reset") { Description = "Re-run schedule times whose run exists: purge the finished run and start it again under the same id (Airflow's --reset-dagruns)." };
        var follow = CommonOptions.Follow();
        var json = CommonOptions.Json();
        var command = new Command("backfill", "Create the runs of every schedule time from --from to --to (existing runs are kept unless --reset); with --follow, wait for them and exit 1 when one failed.")
        {
            dagId, from, to, maxActiveRuns, parameters, reset, follow, json,
        };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var body = new JsonObject { ["from"] = parse.GetRequiredValue(from), ["to"] = parse.GetRequiredValue(to) };
            if (parse.GetValue(maxActiveRuns) is { } max)
            {
                body["maxActiveRuns"] = max;
            }

            if (parse.GetValue(parameters) is { Length: > 0 } pairs)
            {
                body["params"] = RunParameters.Parse(pairs);
            }

            if (parse.GetValue(reset))
            {
                body["reset"] = true;
            }

            var (_, result) = await session.Api.SendAsync(HttpMethod.Post, $"api/dags/{Uri.EscapeDataString(parse.GetRequiredValue(dagId))}/backfill", body, ct).ConfigureAwait(false);
            if (parse.GetValue(follow))
            {
                return await FollowAsync(session, output, runner.Environment.PollInterval, result, ct).ConfigureAwait(false);
            }

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

    /// <summary>Polls every run of the backfill until all have finished, printing each as it ends.</summary>
    private static async Task<int> FollowAsync(HostSession session, Output.CliOutput output, TimeSpan pollInterval, JsonNode? result, CancellationToken cancellationToken)
    {
        var pending = (result?["runs"] as JsonArray ?? []).OfType<JsonNode>().Select(r => r["id"]?.ToString()).OfType<string>().ToList();
        var finished = new JsonArray();
        var failed = 0;
        while (pending.Count > 0)
        {
            foreach (var id in pending.ToList())
            {
                var (status, run) = await session.Api.SendAsync(HttpMethod.Get, $"api/runs/{Uri.EscapeDataString(id)}", cancellationToken: cancellationToken).ConfigureAwait(false);
                if (!Output.RunStates.IsFinished(status))
                {
                    continue;
                }

                pending.Remove(id);
                finished.Add(new JsonObject { ["id"] = id, ["state"] = Output.RunStates.State(run) });
                failed += Output.RunStates.ExitCode(run) == ExitCodes.Success ? 0 : 1;
                if (!output.Json)
                {
                    output.Console.MarkupLineInterpolated($"{id} {Output.RunStates.State(run)}");
                }
            }

            if (pending.Count > 0)
            {
                await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
            }
        }

        if (output.Json)
        {
            output.WriteJson(new JsonObject { ["dagId"] = result?["dagId"]?.DeepClone(), ["runs"] = finished });
        }
        else
        {
            output.Console.MarkupLineInterpolated($"{finished.Count} run(s) finished, {failed} failed.");
        }

        return failed == 0 ? ExitCodes.Success : ExitCodes.Failure;
    }
}
