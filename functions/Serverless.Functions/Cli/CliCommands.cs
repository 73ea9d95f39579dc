using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Serverless.Storage.Connection;
using Spectre.Console;

namespace Serverless.Functions.Cli;

/// <summary>The CLI commands, each one or a few API calls.</summary>
/// <param name="api">The API client.</param>
/// <param name="storage">The storage account for output previews, or null when unknown.</param>
/// <param name="args">The arguments.</param>
/// <param name="plain">Whether to print progress as lines instead of a live table (no terminal, CI logs).</param>
internal sealed class CliCommands(ApiClient api, StorageAccount? storage, CliArguments args, bool plain)
{
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var command = args.Positional[0];
        switch (command)
        {
            case "dags":
                return args.Required(1, "a dags subcommand (list, validate, show)") switch
                {
                    "list" => await this.ListDagsAsync(cancellationToken).ConfigureAwait(false),
                    "validate" => await this.ValidateAsync(args.Required(2, "the DAG file to validate"), cancellationToken).ConfigureAwait(false),
                    "show" => await this.ShowDagAsync(args.Required(2, "the DAG id"), cancellationToken).ConfigureAwait(false),
                    var other => throw new CliException($"Unknown subcommand 'dags {other}': use list, validate or show."),
                };
            case "run":
                {
                    var dagId = args.Required(1, "the DAG id");
                    var body = new JsonObject { ["params"] = CliApp.ParseParams(args.All("param")) };
                    if (args.Option("run-id") is { } runId)
                    {
                        body["runId"] = runId;
                    }

                    if (args.Option("logical-date") is { } logicalDate)
                    {
                        body["logicalDate"] = logicalDate;
                    }

                    var (_, started) = await api.SendAsync(HttpMethod.Post, $"api/dags/{Uri.EscapeDataString(dagId)}/runs", body, cancellationToken).ConfigureAwait(false);
                    var id = started!["id"]!.ToString();
                    AnsiConsole.MarkupLineInterpolated($"Run [bold]{id}[/] of [bold]{dagId}[/] {(started["created"]?.GetValue<bool>() == false ? "already existed" : "started")}; status: {started["statusQueryGetUri"]}");
                    return args.Flag("follow") ? await this.FollowAsync(id, cancellationToken).ConfigureAwait(false) : 0;
                }

            case "status":
                {
                    var (status, run) = await api.SendAsync(HttpMethod.Get, $"api/runs/{Uri.EscapeDataString(args.Required(1, "the run id"))}", cancellationToken: cancellationToken).ConfigureAwait(false);
                    AnsiConsole.Write(TaskTable(run!));
                    AnsiConsole.MarkupLineInterpolated($"State: [bold]{run!["state"]}[/]{(status == HttpStatusCode.Accepted ? " (still running)" : string.Empty)}{(run["error"] is { } error ? $" — {error}" : string.Empty)}");
                    return 0;
                }

            case "terminate":
                {
                    var runId = args.Required(1, "the run id");
                    var reason = args.Option("reason") ?? "terminated from the CLI";
                    await api.SendAsync(HttpMethod.Post, $"api/runs/{Uri.EscapeDataString(runId)}/terminate?reason={Uri.EscapeDataString(reason)}", cancellationToken: cancellationToken).ConfigureAwait(false);
                    AnsiConsole.MarkupLineInterpolated($"Terminating {runId}.");
                    return 0;
                }

            case "rerun":
                {
                    var runId = args.Required(1, "the run id");
                    var body = new JsonObject { ["onlyFailed"] = !args.Flag("all") };
                    if (args.All("task") is { Count: > 0 } tasks)
                    {
                        body["tasks"] = new JsonArray(tasks.Select(t => (JsonNode?)JsonValue.Create(t)).ToArray());
                    }

                    var (_, started) = await api.SendAsync(HttpMethod.Post, $"api/runs/{Uri.EscapeDataString(runId)}/rerun", body, cancellationToken).ConfigureAwait(false);
                    var id = started!["id"]!.ToString();
                    AnsiConsole.MarkupLineInterpolated($"Rerun [bold]{id}[/] of {runId} started.");
                    return args.Flag("follow") ? await this.FollowAsync(id, cancellationToken).ConfigureAwait(false) : 0;
                }

            case "backfill":
                {
                    var dagId = args.Required(1, "the DAG id");
                    var body = new JsonObject
                    {
                        ["from"] = args.Option("from") ?? throw new CliException("--from is required."),
                        ["to"] = args.Option("to") ?? throw new CliException("--to is required."),
                    };
                    if (args.Option("max-active-runs") is { } max)
                    {
                        body["maxActiveRuns"] = int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new CliException("--max-active-runs must be a number.");
                    }

                    var (_, result) = await api.SendAsync(HttpMethod.Post, $"api/dags/{Uri.EscapeDataString(dagId)}/backfill", body, cancellationToken).ConfigureAwait(false);
                    foreach (var run in result!["runs"]!.AsArray())
                    {
                        AnsiConsole.MarkupLineInterpolated($"{run!["id"]} {(run["created"]!.GetValue<bool>() ? "started" : "exists")}");
                    }

                    return 0;
                }

            default:
                throw new CliException($"Unknown command '{command}'. Run 'Serverless.Functions help'.");
        }
    }

    private static Table TaskTable(JsonNode run)
    {
        var table = new Table().Border(TableBorder.Rounded).Title($"{run["dagId"]} / {run["runId"]}: {run["state"]}");
        table.AddColumns("task", "state", "attempts", "duration", "job");
        foreach (var task in run["tasks"]?.AsArray() ?? [])
        {
            var state = task!["state"]?.ToString() ?? string.Empty;
            var color = state switch
            {
                "success" => "green",
                "failed" or "upstream_failed" => "red",
                "running" => "yellow",
                "up_for_retry" => "orange1",
                _ => "grey",
            };
            table.AddRow(
                Markup.Escape(task["id"]?.ToString() ?? string.Empty) + (task["mapIndex"] is { } index ? $"[[{index}]]" : string.Empty),
                $"[{color}]{Markup.Escape(state)}[/]",
                task["attempts"]?.ToString() ?? "0",
                Duration(task),
                Markup.Escape(task["jobId"]?.ToString() ?? string.Empty));
        }

        return table;
    }

    private static string Duration(JsonNode task)
    {
        if (task["startedAt"]?.GetValue<DateTimeOffset>() is not { } started)
        {
            return string.Empty;
        }

        var ended = task["endedAt"]?.GetValue<DateTimeOffset>() ?? DateTimeOffset.UtcNow;
        return CliApp.Seconds(ended - started);
    }

    private async Task<int> FollowAsync(string runId, CancellationToken cancellationToken)
    {
        var path = $"api/runs/{Uri.EscapeDataString(runId)}";
        JsonNode? run = null;
        if (plain)
        {
            var seen = new Dictionary<string, string>(StringComparer.Ordinal);
            while (true)
            {
                var (status, current) = await api.SendAsync(HttpMethod.Get, path, cancellationToken: cancellationToken).ConfigureAwait(false);
                run = current!;
                foreach (var task in run["tasks"]?.AsArray() ?? [])
                {
                    var id = task!["id"]!.ToString() + (task["mapIndex"] is { } i ? $"[{i}]" : string.Empty);
                    var line = $"{task["state"]} (attempt {task["attempts"]}){(task["endedAt"] is not null ? $" in {Duration(task)}" : string.Empty)}";
                    if (!seen.TryGetValue(id, out var last) || last != line)
                    {
                        seen[id] = line;
                        Console.WriteLine($"{DateTime.Now:HH:mm:ss} {id,-24} {line}");
                    }
                }

                if (CliApp.IsFinished(status))
                {
                    break;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }

            AnsiConsole.Write(TaskTable(run));
        }
        else
        {
            await AnsiConsole.Live(new Text("waiting for the run…")).StartAsync(async live =>
            {
                while (true)
                {
                    var (status, current) = await api.SendAsync(HttpMethod.Get, path, cancellationToken: cancellationToken).ConfigureAwait(false);
                    run = current!;
                    live.UpdateTarget(TaskTable(run));
                    if (CliApp.IsFinished(status))
                    {
                        return;
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }

        var state = run!["state"]?.ToString();
        AnsiConsole.MarkupLineInterpolated($"Run {runId}: [bold]{state}[/]{(run["error"] is { } error ? $" — {error}" : string.Empty)}");
        await this.PrintOutputsAsync(run, cancellationToken).ConfigureAwait(false);
        return state == "success" ? 0 : 1;
    }

    private async Task PrintOutputsAsync(JsonNode run, CancellationToken cancellationToken)
    {
        var rows = int.TryParse(args.Option("rows"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 5;
        foreach (var task in run["tasks"]?.AsArray() ?? [])
        {
            foreach (var (name, location) in task!["outputs"]?.AsObject() ?? [])
            {
                AnsiConsole.MarkupLineInterpolated($"[bold]{task["id"]}.{name}[/] → {location}");
                if (storage is null || location is null)
                {
                    continue;
                }

                try
                {
                    var (columns, data) = await OutputPreview.ReadAsync(storage.Blobs, location.ToString(), rows, cancellationToken).ConfigureAwait(false);
                    if (columns.Count == 0)
                    {
                        continue;
                    }

                    var table = new Table().Border(TableBorder.Simple);
                    foreach (var column in columns)
                    {
                        table.AddColumn(Markup.Escape(column));
                    }

                    foreach (var row in data)
                    {
                        table.AddRow(row.Select(Markup.Escape).ToArray());
                    }

                    AnsiConsole.Write(table);
                }
                catch (Exception e) when (e is Azure.RequestFailedException or IOException or System.Data.Common.DbException)
                {
                    AnsiConsole.MarkupLineInterpolated($"[grey](cannot preview: {e.Message})[/]");
                }
            }
        }
    }

    private async Task<int> ListDagsAsync(CancellationToken cancellationToken)
    {
        var (_, body) = await api.SendAsync(HttpMethod.Get, "api/dags", cancellationToken: cancellationToken).ConfigureAwait(false);
        var table = new Table().Border(TableBorder.Rounded).AddColumns("id", "file", "schedule", "tasks", "status");
        foreach (var dag in body!["dags"]!.AsArray())
        {
            var valid = dag!["valid"]!.GetValue<bool>();
            table.AddRow(
                Markup.Escape(dag["id"]?.ToString() ?? "?"),
                Markup.Escape(dag["file"]?.ToString() ?? string.Empty),
                Markup.Escape(dag["schedule"]?.ToString() ?? "manual"),
                dag["tasks"]?.ToString() ?? "0",
                valid ? "[green]valid[/]" : $"[red]{dag["problems"]!.AsArray().Count} problem(s)[/]");
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private async Task<int> ValidateAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new CliException($"File '{file}' does not exist.");
        }

        var content = await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        var format = file.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "json" : "yaml";
        var (_, body) = await api.SendAsync(HttpMethod.Post, $"api/dags/validate?format={format}", content, cancellationToken).ConfigureAwait(false);
        AnsiConsole.MarkupLineInterpolated($"[green]{file}: DAG '{body!["id"]}' is valid.[/]");
        return 0;
    }

    private async Task<int> ShowDagAsync(string dagId, CancellationToken cancellationToken)
    {
        var (_, dag) = await api.SendAsync(HttpMethod.Get, $"api/dags/{Uri.EscapeDataString(dagId)}", cancellationToken: cancellationToken).ConfigureAwait(false);
        AnsiConsole.MarkupLineInterpolated($"[bold]{dag!["id"]}[/]: {dag["description"]}");
        AnsiConsole.MarkupLineInterpolated($"schedule: {dag["schedule"]?.ToString() ?? "manual"}, catchup: {dag["catchup"]}, max active runs: {dag["maxActiveRuns"]}");
        foreach (var time in dag["nextScheduleTimes"]?.AsArray() ?? [])
        {
            AnsiConsole.MarkupLineInterpolated($"  next: {time}");
        }

        AnsiConsole.WriteLine();
        AnsiConsole.WriteLine("```mermaid");
        AnsiConsole.Write(new Text(dag["mermaid"]?.ToString() ?? string.Empty));
        AnsiConsole.WriteLine("```");
        return 0;
    }
}
