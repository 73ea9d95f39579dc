using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.Cli.Hosting;
using Serverless.Cli.Output;
using Serverless.Cli.Scratch;
using Spectre.Console;

namespace Serverless.Cli.Commands;

/// <summary>
/// One test run (<c>dags test</c>, <c>tasks test</c>) on a scratch host: the DAG as the command cut it, triggered,
/// followed, then a table of every task's state, duration and rows written and the first rows of the outputs.
/// </summary>
/// <remarks>
/// The scratch host has storage of its own that is gone when the command ends, and writes every output to
/// <see cref="ScratchHostRequest.Container"/>: a test run never touches a real run's folder.
/// </remarks>
public sealed class ScratchRun
{
    private readonly CommandRunner runner;
    private readonly Func<CliOutput, CancellationToken, Task<ScratchPlan>> prepare;
    private readonly string? focusTask;
    private ScratchPlan? plan;

    /// <summary>Initializes a new instance of the <see cref="ScratchRun"/> class.</summary>
    /// <param name="runner">Runs the command.</param>
    /// <param name="prepare">Loads the DAG and cuts it to what the test needs (and what to seed); its <see cref="CliException"/>s are reported as the command's.</param>
    /// <param name="focusTask">The task under test, whose outputs are previewed; null previews every task's.</param>
    public ScratchRun(CommandRunner runner, Func<CliOutput, CancellationToken, Task<ScratchPlan>> prepare, string? focusTask)
    {
        this.runner = runner ?? throw new ArgumentNullException(nameof(runner));
        this.prepare = prepare ?? throw new ArgumentNullException(nameof(prepare));
        this.focusTask = focusTask;
    }

    /// <summary>Starts the scratch host, runs the DAG, prints the outcome and stops everything (also on failure and Ctrl+C).</summary>
    /// <param name="json">Whether to print the finished run as JSON.</param>
    /// <param name="trigger">The trigger body (<c>params</c>, <c>logicalDate</c>).</param>
    /// <param name="rows">How many rows of each output to preview.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>0 when the run succeeded, else 1; 130 when cancelled.</returns>
    public async Task<int> RunAsync(bool json, JsonObject trigger, int rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        using var folder = ScratchFolder.Create();
        return await this.runner.RunAsync(
            json,
            async (output, ct) =>
            {
                var plan = this.plan = await this.prepare(output, ct).ConfigureAwait(false);
                var dag = plan.Dag;
                await ScratchDag.WriteAsync(dag, folder.Path, ct).ConfigureAwait(false);
                await output.Error.WriteLineAsync($"Test run of '{dag.Id}' ({string.Join(", ", dag.Tasks.Select(t => t.Id))}) on a scratch host with storage of its own; outputs go to the '{ScratchHostRequest.Container}' container and are gone when it stops.").ConfigureAwait(false);
                return await HostSession.StartScratchAsync(this.runner.Environment, new ScratchHostRequest(folder.Path), ct).ConfigureAwait(false);
            },
            (session, output, ct) => this.ExecuteAsync(session, output, trigger, rows, ct),
            cancellationToken).ConfigureAwait(false);
    }

    private static string Rows(JsonNode? manifest, JsonNode task)
    {
        var id = task["id"]?.ToString();
        var index = task["mapIndex"]?.ToString();
        var entry = (manifest?["tasks"] as JsonArray ?? []).OfType<JsonNode>()
            .FirstOrDefault(t => t["taskId"]?.ToString() == id && t["mapIndex"]?.ToString() == index);
        return entry?["rowsWritten"]?.GetValue<long>() is { } rows ? rows.ToString("N0", CultureInfo.InvariantCulture) : string.Empty;
    }

    private async Task<int> ExecuteAsync(HostSession session, CliOutput output, JsonObject trigger, int rows, CancellationToken cancellationToken)
    {
        var dagId = this.plan!.Dag.Id;
        if (this.plan.Seed is { } seed)
        {
            await seed(session, cancellationToken).ConfigureAwait(false);
        }

        var path = $"api/dags/{Uri.EscapeDataString(dagId)}/runs";
        var (_, started) = await session.Api.SendAsync(HttpMethod.Post, path, trigger, cancellationToken).ConfigureAwait(false);
        var runId = started?["id"]?.ToString() ?? throw new CliException("The scratch host's answer to the trigger has no run id.");
        var follower = new RunFollower(session, output, this.runner.Environment.PollInterval);
        var run = await follower.WaitAsync(runId, showFinalTable: false, cancellationToken).ConfigureAwait(false);
        var manifest = await ReadManifestAsync(session, runId, cancellationToken).ConfigureAwait(false);
        var state = RunStates.State(run);
        if (output.Json)
        {
            output.WriteJson(run);
            return state == RunStates.Success ? ExitCodes.Success : ExitCodes.Failure;
        }

        output.Console.MarkupLineInterpolated($"Test run [bold]{runId}[/] of [bold]{dagId}[/]:");
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumns("task", "state", "duration", "rows", "error");
        table.Columns[3].RightAligned();
        foreach (var task in RunTable.Tasks(run))
        {
            table.AddRow(
                Markup.Escape(RunTable.TaskLabel(task)),
                Markup.Escape(task["state"]?.ToString() ?? string.Empty),
                RunTable.Duration(task),
                Rows(manifest, task),
                Markup.Escape(task["error"]?.ToString() ?? string.Empty));
        }

        output.Console.Write(table);
        if (this.focusTask is { } focus && RunTable.Tasks(run).FirstOrDefault(t => t["id"]?.ToString() == focus) is { } tested)
        {
            output.Console.MarkupLineInterpolated($"Task [bold]{focus}[/]: {tested["state"]}, {Rows(manifest, tested)} rows in {RunTable.Duration(tested)}");
        }

        output.Console.MarkupLineInterpolated($"Test run {runId}: [bold]{state}[/]{(run["error"] is { } error ? $" — {error}" : string.Empty)}");
        await follower.PrintOutputsAsync(run, rows, this.focusTask is null ? null : t => t["id"]?.ToString() == this.focusTask, cancellationToken).ConfigureAwait(false);
        return state == RunStates.Success ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static async Task<JsonNode?> ReadManifestAsync(HostSession session, string runId, CancellationToken cancellationToken)
    {
        // The manifest carries the rows each task wrote; it is written as tasks finish, so it is there once the run is.
        try
        {
            var (_, manifest) = await session.Api.SendAsync(HttpMethod.Get, $"api/runs/{Uri.EscapeDataString(runId)}/manifest", cancellationToken: cancellationToken).ConfigureAwait(false);
            return manifest;
        }
        catch (CliException)
        {
            return null;
        }
    }
}
