using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary><c>dags list</c>, <c>dags validate &lt;file&gt;</c>, <c>dags show &lt;dagId&gt;</c>, <c>dags pause|unpause &lt;dagId&gt;</c>, <c>dags test &lt;dagId&gt;</c>.</summary>
public static class DagsCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return new Command("dags", "List, validate, show, pause and test DAGs.")
        {
            List(runner),
            Validate(runner),
            Show(runner),
            Pause(runner, "pause", paused: true, "Pause a DAG: the scheduler starts none of its runs (manual triggers and backfills still run)."),
            Pause(runner, "unpause", paused: false, "Unpause a DAG: the next scheduler tick starts what catchup says is due."),
            DagTestCommand.Create(runner),
        };
    }

    private static Command List(CommandRunner runner)
    {
        var json = CommonOptions.Json();
        var command = new Command("list", "List the host's DAGs: id, file, schedule, task count and problems.") { json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var (_, body) = await session.Api.SendAsync(HttpMethod.Get, "api/dags", cancellationToken: ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(body);
                return ExitCodes.Success;
            }

            var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "file", "schedule", "tasks", "paused", "status");
            foreach (var dag in (body?["dags"] as JsonArray ?? []).OfType<JsonNode>())
            {
                var valid = dag["valid"]?.GetValue<bool>() ?? false;
                table.AddRow(
                    Markup.Escape(dag["id"]?.ToString() ?? "?"),
                    Markup.Escape(dag["file"]?.ToString() ?? string.Empty),
                    Markup.Escape(dag["schedule"]?.ToString() ?? "manual"),
                    dag["tasks"]?.ToString() ?? "0",
                    dag["paused"]?.GetValue<bool>() is true ? "[yellow]paused[/]" : string.Empty,
                    valid ? "[green]valid[/]" : $"[red]{(dag["problems"] as JsonArray)?.Count ?? 0} problem(s)[/]");
            }

            output.Console.Write(table);
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Validate(CommandRunner runner)
    {
        var file = CommonOptions.Required("file", "The YAML or JSON DAG file.");
        var json = CommonOptions.Json();
        var command = new Command("validate", "Validate a DAG file with the host's checks; exit 1 listing every problem with file:line:column.") { file, json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var path = parse.GetRequiredValue(file);
            if (!File.Exists(path))
            {
                throw new CliException($"File '{path}' does not exist.");
            }

            var content = await File.ReadAllTextAsync(path, ct).ConfigureAwait(false);
            var format = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "json" : "yaml";
            JsonNode? body;
            try
            {
                (_, body) = await session.Api.SendAsync(HttpMethod.Post, $"api/dags/validate?format={format}&file={Uri.EscapeDataString(path)}", content, ct).ConfigureAwait(false);
            }
            catch (CliException e) when (e.Problem is JsonObject problem)
            {
                // The host names the posted text, not the user's file: put the user's path back on every problem.
                NameFile(problem, path);
                throw new CliException(e.Message.Replace($"posted.{format}", path, StringComparison.Ordinal), problem);
            }

            if (output.Json)
            {
                output.WriteJson(body);
            }
            else
            {
                output.Console.MarkupLineInterpolated($"[green]{path}: DAG '{body?["id"]}' is valid.[/]");
                foreach (var warning in body?["warnings"] as JsonArray ?? [])
                {
                    // Valid but bound to fail here (a pyspark task without SPARK_HOME): said before a run finds out.
                    output.Console.MarkupLineInterpolated($"[yellow]{path}: warning: {warning?["path"]}: {warning?["message"]}[/]");
                }
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Show(CommandRunner runner)
    {
        var dagId = CommonOptions.Required("dagId", "The DAG id.");
        var json = CommonOptions.Json();
        var command = new Command("show", "Show a DAG: summary, next schedule times, its latest operator actions (audit trail) and its Mermaid graph.") { dagId, json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var (_, dag) = await session.Api.SendAsync(HttpMethod.Get, $"api/dags/{Uri.EscapeDataString(parse.GetRequiredValue(dagId))}", cancellationToken: ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(dag);
                return ExitCodes.Success;
            }

            var console = output.Console;
            console.MarkupLineInterpolated($"[bold]{dag?["id"]}[/]: {dag?["description"]}");
            console.MarkupLineInterpolated($"schedule: {dag?["schedule"]?.ToString() ?? "manual"}, catchup: {dag?["catchup"]}, max active runs: {dag?["maxActiveRuns"]}");
            foreach (var time in dag?["nextScheduleTimes"] as JsonArray ?? [])
            {
                console.MarkupLineInterpolated($"  next: {time}");
            }

            // The DAG's audit trail, newest first: who paused, unpaused, triggered or backfilled it, and when.
            foreach (var entry in (dag?["audit"] as JsonArray ?? []).OfType<JsonNode>().Take(10))
            {
                console.MarkupLineInterpolated($"  {entry["at"]}  {entry["action"]} by {entry["by"]}{(entry["detail"] is { } detail ? ": " + detail : string.Empty)}");
            }

            console.WriteLine();
            console.WriteLine("```mermaid");
            console.WriteLine(dag?["mermaid"]?.ToString() ?? string.Empty);
            console.WriteLine("```");
            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Pause(CommandRunner runner, string name, bool paused, string description)
    {
        var dagId = CommonOptions.Required("dagId", "The DAG id.");
        var json = CommonOptions.Json();
        var command = new Command(name, description) { dagId, json };
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var id = parse.GetRequiredValue(dagId);
            var (_, body) = await session.Api.SendAsync(HttpMethod.Post, $"api/dags/{Uri.EscapeDataString(id)}/{name}", cancellationToken: ct).ConfigureAwait(false);
            if (output.Json)
            {
                output.WriteJson(body);
            }
            else
            {
                output.Console.MarkupLineInterpolated($"DAG '{id}' is {(paused ? "paused" : "unpaused")}.");
            }

            return ExitCodes.Success;
        }, cancellationToken));
        return command;
    }

    private static void NameFile(JsonObject problem, string path)
    {
        foreach (var item in (problem["problems"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (item["file"]?.ToString() is "posted.yaml" or "posted.json")
            {
                item["file"] = path;
            }
        }
    }
}
