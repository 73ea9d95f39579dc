using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>run &lt;dagId&gt; [--param k=v]... [--run-id id] [--logical-date iso] [--follow] [--rows n] [--json]</c>.</summary>
public static class RunCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var dagId = CommonOptions.Required("dagId", "The DAG to run.");
        var parameters = CommonOptions.Params();
        var runId = new Option<string?>("--run-id") { Description = "The run id (default: the host derives one from the DAG and logical date).", HelpName = "id" };
        var logicalDate = new Option<string?>("--logical-date") { Description = "The logical date, ISO 8601 (default: now).", HelpName = "iso" };
        var follow = CommonOptions.Follow();
        var rows = CommonOptions.Rows();
        var json = CommonOptions.Json();
        var command = new Command("run", "Trigger a run of a DAG; with --follow, follow it and preview its outputs.") { dagId, parameters, runId, logicalDate, follow, rows, json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var dag = parse.GetRequiredValue(dagId);
            var body = new JsonObject { ["params"] = RunParameters.Parse(parse.GetValue(parameters) ?? []) };
            if (parse.GetValue(runId) is { Length: > 0 } id)
            {
                body["runId"] = id;
            }

            if (parse.GetValue(logicalDate) is { Length: > 0 } date)
            {
                body["logicalDate"] = date;
            }

            var (_, started) = await session.Api.SendAsync(HttpMethod.Post, $"api/dags/{Uri.EscapeDataString(dag)}/runs", body, ct).ConfigureAwait(false);
            var startedId = started?["id"]?.ToString() ?? throw new CliException("The host's answer to the trigger has no run id.");
            if (!parse.GetValue(follow))
            {
                if (output.Json)
                {
                    output.WriteJson(started);
                }
                else
                {
                    output.Console.MarkupLineInterpolated($"Run [bold]{startedId}[/] of [bold]{dag}[/] {(started["created"]?.GetValue<bool>() == false ? "already existed" : "started")}; status: {started["statusQueryGetUri"]}");
                }

                return ExitCodes.Success;
            }

            output.Console.MarkupLineInterpolated($"Run [bold]{startedId}[/] of [bold]{dag}[/] {(started["created"]?.GetValue<bool>() == false ? "already existed" : "started")}.");
            return await new RunFollower(session, output, runner.Environment.PollInterval).FollowAsync(startedId, parse.GetValue(rows), ct).ConfigureAwait(false);
        }, cancellationToken));
        return command;
    }
}
