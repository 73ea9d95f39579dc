using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Service;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Hosting;

namespace Serverless.Functions.Api;

/// <summary>
/// The task attempt log route: <c>GET api/runs/{runId}/tasks/{taskId}/logs?attempt=&amp;mapIndex=&amp;offset=</c>, plain
/// text, tailable with <c>Range: bytes=N-</c> (206 with <c>Content-Range</c>) or <c>?offset=N</c>; the
/// <c>X-Log-Length</c> header says where the next read starts, <c>X-Task-State</c> whether more may come.
/// </summary>
public static class LogEndpoints
{
    /// <summary>The most bytes of one reply; a longer log is read in parts.</summary>
    public const int MaxReplyBytes = 1024 * 1024;

    /// <summary>The header with the log's length when it was read (where a tailing reader continues).</summary>
    public const string LengthHeader = "X-Log-Length";

    /// <summary>The header with the task instance's state, so a tailing reader knows when to stop.</summary>
    public const string StateHeader = "X-Task-State";

    /// <summary>The header with the attempt the reply is from (the latest when none was asked for).</summary>
    public const string AttemptHeader = "X-Log-Attempt";

    private const int MaxAttempt = 1000;
    private const int MaxMapIndex = 1_000_000;

    internal static async Task<IResult> GetAsync(HttpContext context, IDagRunService runs, TaskAttemptLog logs, IOptions<SparkOptions> spark, string runId, string taskId)
    {
        RouteValues.RunId(runId);
        if (!DagIdentifiers.IsValidTaskId(taskId))
        {
            throw new ApiProblemException($"'{taskId}' is not a valid task id: it must match {DagIdentifiers.TaskIdPattern}.");
        }

        var query = context.Request.Query;
        var attempt = Number(query["attempt"].FirstOrDefault(), "attempt", 1, MaxAttempt);
        var mapIndex = Number(query["mapIndex"].FirstOrDefault(), "mapIndex", 0, MaxMapIndex);
        var offset = Number(query["offset"].FirstOrDefault(), "offset", 0, long.MaxValue) ?? 0;
        var range = Range(context.Request.Headers.Range.ToString());

        var run = await runs.GetRunAsync(runId, context.RequestAborted).ConfigureAwait(false)
            ?? throw new DagRunNotFoundException($"Run '{runId}' does not exist (or was purged). List runs with GET /api/runs.");
        var instance = run.Tasks.FirstOrDefault(t => t.Id == taskId && t.MapIndex == (int?)mapIndex)
            ?? throw NotFound(run.Tasks.Any(t => t.Id == taskId)
                ? $"Task '{taskId}' of run '{runId}' has no instance with map index {mapIndex?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}; name one with ?mapIndex=."
                : $"Run '{runId}' has no task '{taskId}'.");
        var chosen = (int?)attempt ?? instance.Attempts;
        if (chosen < 1 || chosen > instance.Attempts)
        {
            throw NotFound(instance.Attempts == 0
                ? $"Task '{taskId}' of run '{runId}' has not started an attempt yet."
                : $"Task '{taskId}' of run '{runId}' has attempts 1 to {instance.Attempts}, not {chosen}.");
        }

        var target = new TaskAttemptLogTarget(spark.Value.DataContainer, run.DagId, runId, taskId, (int?)mapIndex, chosen);
        var start = range?.From ?? offset;
        var chunk = await logs.ReadAsync(target, start, MaxReplyBytes, context.RequestAborted).ConfigureAwait(false)
            ?? throw NotFound($"Attempt {chosen} of task '{taskId}' in run '{runId}' wrote no log (a sensor or branch, a task reused from an earlier run, or one that failed before its job was built).");
        var headers = context.Response.Headers;
        headers[LengthHeader] = chunk.Length.ToString(CultureInfo.InvariantCulture);
        headers[StateHeader] = instance.State.ToString();
        headers[AttemptHeader] = chosen.ToString(CultureInfo.InvariantCulture);
        headers.AcceptRanges = "bytes";
        headers.CacheControl = "no-store";
        var bytes = chunk.Bytes;
        if (range is { } asked)
        {
            if (asked.From >= chunk.Length && chunk.Length > 0)
            {
                headers.ContentRange = $"bytes */{chunk.Length.ToString(CultureInfo.InvariantCulture)}";
                return Results.StatusCode(StatusCodes.Status416RangeNotSatisfiable);
            }

            if (asked.To is { } to && to - asked.From + 1 < bytes.Length)
            {
                bytes = bytes[..(int)(to - asked.From + 1)];
            }

            if (bytes.Length > 0)
            {
                headers.ContentRange = string.Create(CultureInfo.InvariantCulture, $"bytes {asked.From}-{asked.From + bytes.Length - 1}/{chunk.Length}");
                return new LogText(bytes, StatusCodes.Status206PartialContent);
            }
        }

        return new LogText(bytes, StatusCodes.Status200OK);
    }

    private static ApiProblemException NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);

    private static long? Number(string? text, string name, long min, long max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ApiProblemException($"'{name}' must be a whole number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}, not '{text}'.");
    }

    private static (long From, long? To)? Range(string header)
    {
        if (string.IsNullOrEmpty(header))
        {
            return null;
        }

        // One range from a start (bytes=N- or bytes=N-M) is what tailing needs; suffix and multiple ranges are refused.
        if (header.Length > 100 || !RangeHeaderValue.TryParse(header, out var parsed) || !string.Equals(parsed.Unit, "bytes", StringComparison.OrdinalIgnoreCase)
            || parsed.Ranges.Count != 1 || parsed.Ranges.First() is not { From: { } from } only || (only.To is { } end && end < from))
        {
            throw new ApiProblemException($"Range '{header}' is not supported: send one range that starts at a byte, such as 'bytes=1024-'.");
        }

        return (from, only.To);
    }

    /// <summary>Log bytes as UTF-8 text with a status of their own (206 for a range).</summary>
    private sealed class LogText(ReadOnlyMemory<byte> bytes, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            httpContext.Response.ContentLength = bytes.Length;
            return httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted).AsTask();
        }
    }
}
