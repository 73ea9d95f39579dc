using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Serverless.Cli.Output;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary>
/// Follows a run to its end (<c>--follow</c>): a live task table in a terminal, one line per task change otherwise
/// (CI logs, and standard error under <c>--json</c>); then the final table and the first rows of every output.
/// </summary>
/// <param name="session">The host session.</param>
/// <param name="output">The command's output.</param>
/// <param name="pollInterval">How often to ask the host.</param>
public sealed class RunFollower(HostSession session, CliOutput output, TimeSpan pollInterval)
{
    /// <summary>Follows the run and prints its outcome.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="rows">How many rows of each output to preview.</param>
    /// <param name="cancellationToken">Cancels following (the run goes on).</param>
    /// <returns>0 when the run succeeded, else 1.</returns>
    public async Task<int> FollowAsync(string runId, int rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        var run = await this.WaitAsync(runId, showFinalTable: true, cancellationToken).ConfigureAwait(false);
        var state = RunStates.State(run);
        if (output.Json)
        {
            output.WriteJson(run);
        }
        else
        {
            output.Console.MarkupLineInterpolated($"Run {runId}: [bold]{state}[/]{(run["error"] is { } error ? $" — {error}" : string.Empty)}");
            await this.PrintOutputsAsync(run, rows, null, cancellationToken).ConfigureAwait(false);
        }

        return state == RunStates.Success ? ExitCodes.Success : ExitCodes.Failure;
    }

    /// <summary>Waits for the run to finish, showing its progress (a live table in a terminal, one line per task change otherwise).</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="showFinalTable">Whether to print the task table once the run finished (outside a terminal, where no live table showed it).</param>
    /// <param name="cancellationToken">Cancels waiting (the run goes on).</param>
    /// <returns>The finished run, as <c>GET /api/runs/{runId}</c> returns it.</returns>
    public Task<JsonNode> WaitAsync(string runId, bool showFinalTable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runId);
        return output.IsTerminal ? this.FollowLiveAsync(runId, cancellationToken) : this.FollowLinesAsync(runId, showFinalTable, cancellationToken);
    }

    /// <summary>Prints every output of the run's tasks (or of the selected ones): its location and its first rows.</summary>
    /// <param name="run">The finished run.</param>
    /// <param name="rows">How many rows of each output to preview (0 for none).</param>
    /// <param name="includeTask">Which task instances to print; null for all.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>A task that completes when everything is printed.</returns>
    public async Task PrintOutputsAsync(JsonNode run, int rows, Func<JsonNode, bool>? includeTask, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        foreach (var task in RunTable.Tasks(run).Where(t => includeTask?.Invoke(t) ?? true))
        {
            foreach (var (name, location) in task["outputs"] as JsonObject ?? [])
            {
                output.Console.MarkupLineInterpolated($"[bold]{RunTable.TaskLabel(task)}.{name}[/] → {location}");
                if (session.Storage is null || location is null || rows <= 0)
                {
                    continue;
                }

                try
                {
                    var (columns, data) = await OutputPreview.ReadAsync(session.Storage.Blobs, location.ToString(), rows, cancellationToken).ConfigureAwait(false);
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

                    output.Console.Write(table);
                }
                catch (Exception e) when (e is Azure.RequestFailedException or IOException or System.Data.Common.DbException)
                {
                    output.Console.MarkupLineInterpolated($"[grey](cannot preview: {e.Message})[/]");
                }
            }
        }
    }

    private static string RunPath(string runId) => $"api/runs/{Uri.EscapeDataString(runId)}";

    private async Task<JsonNode> FollowLinesAsync(string runId, bool showFinalTable, CancellationToken cancellationToken)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var (status, run) = await this.GetAsync(runId, cancellationToken).ConfigureAwait(false);
            foreach (var task in RunTable.Tasks(run))
            {
                var label = RunTable.TaskLabel(task);
                var duration = task["endedAt"] is not null ? RunTable.Duration(task) : string.Empty;
                var line = $"{task["state"]} (attempt {task["attempts"]}){(duration.Length > 0 ? $" in {duration}" : string.Empty)}";
                if (!seen.TryGetValue(label, out var last) || last != line)
                {
                    seen[label] = line;
                    output.Console.WriteLine($"{DateTime.Now.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} {label,-24} {line}");
                }
            }

            if (RunStates.IsFinished(status))
            {
                if (!output.Json && showFinalTable)
                {
                    output.Console.Write(RunTable.Create(run));
                }

                return run;
            }

            await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<JsonNode> FollowLiveAsync(string runId, CancellationToken cancellationToken)
    {
        JsonNode? last = null;
        await output.Console.Live(new Text("waiting for the run…")).StartAsync(async live =>
        {
            while (true)
            {
                var (status, run) = await this.GetAsync(runId, cancellationToken).ConfigureAwait(false);
                last = run;
                live.UpdateTarget(RunTable.Create(run));
                if (RunStates.IsFinished(status))
                {
                    return;
                }

                await Task.Delay(pollInterval, cancellationToken).ConfigureAwait(false);
            }
        }).ConfigureAwait(false);
        return last!;
    }

    private async Task<(HttpStatusCode Status, JsonNode Run)> GetAsync(string runId, CancellationToken cancellationToken)
    {
        var (status, run) = await session.Api.SendAsync(HttpMethod.Get, RunPath(runId), cancellationToken: cancellationToken).ConfigureAwait(false);
        return (status, run ?? throw new CliException($"The host answered GET {RunPath(runId)} with an empty body."));
    }
}
