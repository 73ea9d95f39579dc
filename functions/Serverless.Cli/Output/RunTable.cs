using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace Serverless.Cli.Output;

/// <summary>Renders a run (the host's <c>GET /api/runs/{runId}</c> body) as a task table.</summary>
public static class RunTable
{
    /// <summary>Creates the table: task, state, attempts, duration, job.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The table.</returns>
    public static Table Create(JsonNode run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{run["dagId"]} / {run["runId"]}: {run["state"]}"));
        table.AddColumns("task", "state", "attempts", "duration", "job");
        foreach (var task in Tasks(run))
        {
            var state = task["state"]?.ToString() ?? string.Empty;
            var color = state switch
            {
                "success" => "green",
                "failed" or "upstream_failed" => "red",
                "running" => "yellow",
                "up_for_retry" => "orange1",
                _ => "grey",
            };
            table.AddRow(
                Markup.Escape(TaskLabel(task)),
                $"[{color}]{Markup.Escape(state)}[/]",
                task["attempts"]?.ToString() ?? "0",
                Duration(task),
                Markup.Escape(task["jobId"]?.ToString() ?? string.Empty));
        }

        return table;
    }

    /// <summary>Gets the run's task instances.</summary>
    /// <param name="run">The run.</param>
    /// <returns>The tasks, in the host's order.</returns>
    public static IEnumerable<JsonNode> Tasks(JsonNode run)
    {
        ArgumentNullException.ThrowIfNull(run);
        return (run["tasks"] as JsonArray ?? []).OfType<JsonNode>();
    }

    /// <summary>Gets a task's label: its id, with the map index of a mapped instance (<c>load[2]</c>).</summary>
    /// <param name="task">The task instance.</param>
    /// <returns>The label.</returns>
    public static string TaskLabel(JsonNode task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return (task["id"]?.ToString() ?? string.Empty) + (task["mapIndex"] is { } index ? $"[{index}]" : string.Empty);
    }

    /// <summary>Gets how long a task ran (until now while it runs), or an empty string before it starts.</summary>
    /// <param name="task">The task instance.</param>
    /// <returns>For example <c>1.5 s</c>.</returns>
    public static string Duration(JsonNode task)
    {
        ArgumentNullException.ThrowIfNull(task);
        if (task["startedAt"]?.GetValue<DateTimeOffset>() is not { } started)
        {
            return string.Empty;
        }

        var ended = task["endedAt"]?.GetValue<DateTimeOffset>() ?? DateTimeOffset.UtcNow;
        return (ended - started).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
    }
}
