using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Cli.Commands;

/// <summary>
/// <c>logs &lt;runId&gt; &lt;taskId&gt; [--attempt N] [--map-index I] [--follow | --json]</c>: prints a task attempt's log; with
/// <c>--follow</c> it tails the log (reading on from the last byte seen) until the task instance is finished, and
/// moves on to the next attempt when the task retries.
/// </summary>
public static class LogsCommand
{
    /// <summary>Creates the command.</summary>
    /// <param name="runner">Runs command bodies against a host.</param>
    /// <returns>The command.</returns>
    public static Command Create(CommandRunner runner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var runId = CommonOptions.Required("runId", "The run id.");
        var taskId = CommonOptions.Required("taskId", "The task id.");
        var attempt = new Option<int?>("--attempt") { Description = "The attempt, from 1 (default: the latest).", HelpName = "n" };
        attempt.Validators.Add(result =>
        {
            if (CommonOptions.AtLeast(result, 1) is { } error)
            {
                result.AddError(error);
            }
        });
        var mapIndex = new Option<int?>("--map-index") { Description = "The instance of a mapped task.", HelpName = "i" };
        mapIndex.Validators.Add(result =>
        {
            if (CommonOptions.AtLeast(result, 0) is { } error)
            {
                result.AddError(error);
            }
        });
        var follow = new Option<bool>("--follow") { Description = "Keep printing the log as it grows until the task instance is finished (and the next attempts' logs, without --attempt)." };
        var json = CommonOptions.Json();
        var command = new Command("logs", "Print a task attempt's log: the rendered spec, backend and job id, state changes, the engine's messages and the failure.") { runId, taskId, attempt, mapIndex, follow, json };
        command.Validators.Add(result =>
        {
            if (result.GetValue(json) && result.GetValue(follow))
            {
                result.AddError("--json prints the log as it is now and cannot be used with --follow.");
            }
        });
        command.SetAction((parse, cancellationToken) => runner.RunAsync(parse, parse.GetValue(json), async (session, output, ct) =>
        {
            var run = parse.GetRequiredValue(runId);
            var task = parse.GetRequiredValue(taskId);
            var index = parse.GetValue(mapIndex);
            var asked = parse.GetValue(attempt);
            string LogPath(int? number, long offset)
            {
                var query = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"api/runs/{Uri.EscapeDataString(run)}/tasks/{Uri.EscapeDataString(task)}/logs?offset={offset}"));
                if (number is { } n)
                {
                    query.Append(CultureInfo.InvariantCulture, $"&attempt={n}");
                }

                if (index is { } i)
                {
                    query.Append(CultureInfo.InvariantCulture, $"&mapIndex={i}");
                }

                return query.ToString();
            }

            var writer = runner.Environment.Output;
            if (output.Json)
            {
                output.WriteJson(new JsonObject
                {
                    ["runId"] = run,
                    ["taskId"] = task,
                    ["attempt"] = asked,
                    ["mapIndex"] = index,
                    ["log"] = await session.Api.GetTextAsync(LogPath(asked, 0), ct).ConfigureAwait(false),
                });
                return ExitCodes.Success;
            }

            if (!parse.GetValue(follow))
            {
                await writer.WriteAsync(await session.Api.GetTextAsync(LogPath(asked, 0), ct).ConfigureAwait(false)).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            // Bounded by the task finishing: every pass either prints what is new or waits for the next poll.
            var current = asked;
            long printed = 0;
            while (true)
            {
                var instance = await InstanceAsync(session, run, task, index, ct).ConfigureAwait(false)
                    ?? throw new CliException($"Run '{run}' has no task '{task}'{(index is { } i ? $" with map index {i}" : string.Empty)}.");
                var attempts = instance["attempts"]?.GetValue<int>() ?? 0;
                var finished = instance["state"]?.ToString() is "success" or "failed" or "skipped" or "upstream_failed";
                current ??= attempts > 0 ? attempts : null;
                if (current is { } number)
                {
                    var text = await session.Api.GetTextAsync(LogPath(number, printed), ct).ConfigureAwait(false);
                    printed += Encoding.UTF8.GetByteCount(text);
                    await writer.WriteAsync(text).ConfigureAwait(false);
                    await writer.FlushAsync(ct).ConfigureAwait(false);
                    if (asked is null && attempts > number)
                    {
                        // The task retried: the rest of this attempt is written; go on with the next one.
                        current = number + 1;
                        printed = 0;
                        await writer.WriteLineAsync($"--- attempt {current} ---").ConfigureAwait(false);
                        continue;
                    }
                }

                if (finished)
                {
                    return ExitCodes.Success;
                }

                await Task.Delay(runner.Environment.PollInterval, ct).ConfigureAwait(false);
            }
        }, cancellationToken));
        return command;
    }

    private static async Task<JsonNode?> InstanceAsync(HostSession session, string runId, string taskId, int? mapIndex, CancellationToken cancellationToken)
    {
        var (_, run) = await session.Api.SendAsync(HttpMethod.Get, $"api/runs/{Uri.EscapeDataString(runId)}", cancellationToken: cancellationToken).ConfigureAwait(false);
        return (run?["tasks"] as JsonArray)?.FirstOrDefault(t =>
            t?["id"]?.ToString() == taskId && (t["mapIndex"] is JsonValue value ? value.GetValue<int>() : (int?)null) == mapIndex);
    }
}
