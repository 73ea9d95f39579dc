using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Azure;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;
using Serverless.Spark.Http;
using Serverless.Spark.Jobs;
using Serverless.Storage.Connection;

namespace Serverless.Spark.Diagnostics;

/// <summary>
/// Appends to task attempt logs: one append blob per attempt (<see cref="TaskAttemptLogTarget.ToLocation"/>), one
/// timestamped line per event, written while the attempt runs so a reader can tail it.
/// </summary>
/// <remarks>
/// A log is a diagnostic, never a reason for a task to fail: a write that fails is reported in the host log and
/// dropped. Activities run at least once, so a redelivered activity may repeat a line; lines are never lost for it.
/// Conf values whose keys look secret are masked in the spec and everywhere else in the same write.
/// </remarks>
public sealed class TaskAttemptLog
{
    /// <summary>The most characters of one append; append blocks may be 4 MiB, and a log is for people.</summary>
    private const int MaxAppendChars = 256 * 1024;

    /// <summary>The most attempts whose last state is remembered (to log only state changes) before the memory is cleared.</summary>
    private const int MaxRemembered = 4096;

    private readonly StorageAccount account;
    private readonly ILogger<TaskAttemptLog> logger;
    private readonly TimeProvider clock;
    private readonly ConcurrentDictionary<string, string> lastState = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="TaskAttemptLog"/> class.</summary>
    /// <param name="account">The storage account of the data container.</param>
    /// <param name="logger">The host logger.</param>
    /// <param name="clock">The clock of the line times.</param>
    public TaskAttemptLog(StorageAccount account, ILogger<TaskAttemptLog> logger, TimeProvider? clock = null)
    {
        this.account = account;
        this.logger = logger;
        this.clock = clock ?? TimeProvider.System;
    }

    /// <summary>Appends the submit of a job: the attempt, the backend and job id, the rendered spec (secrets masked) and the first status.</summary>
    /// <param name="target">The attempt.</param>
    /// <param name="spec">The rendered spec.</param>
    /// <param name="handle">The job handle.</param>
    /// <param name="status">The status read after the submit.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the lines are written (or dropped).</returns>
    public Task WriteSubmittedAsync(TaskAttemptLogTarget target, SparkJobSpec spec, SparkJobHandle handle, SparkJobStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(status);
        var lines = new List<string> { TaskAttemptLogText.Header(target) };
        lines.Add($"submitted to backend {handle.Backend} as job {handle.JobId} (key {handle.IdempotencyKey})");
        lines.Add($"trace: traceparent {RunTrace.TraceParent(target)}");
        lines.AddRange(TaskAttemptLogText.Spec(spec));
        this.StatusLines(target, status, lines);
        return this.AppendAsync(target, lines, new SecretRedactor([.. TaskAttemptLogText.SecretConfValues(spec)]), cancellationToken);
    }

    /// <summary>Appends a status read: a line when the state changed, and everything the engine said once it is final.</summary>
    /// <param name="target">The attempt.</param>
    /// <param name="status">The status.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the lines are written (or dropped).</returns>
    public Task WriteStatusAsync(TaskAttemptLogTarget target, SparkJobStatus status, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(status);
        var lines = new List<string>();
        this.StatusLines(target, status, lines);
        return lines.Count == 0 ? Task.CompletedTask : this.AppendAsync(target, lines, null, cancellationToken);
    }

    /// <summary>Appends a failure with its cause chain.</summary>
    /// <param name="target">The attempt.</param>
    /// <param name="what">What failed, for example <c>submit</c>.</param>
    /// <param name="error">The error.</param>
    /// <param name="spec">The spec, when known, so its secret conf values are masked in the error text too.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the lines are written (or dropped).</returns>
    public Task WriteFailureAsync(TaskAttemptLogTarget target, string what, Exception error, SparkJobSpec? spec = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(error);
        var lines = new List<string>();
        if (spec is not null)
        {
            lines.Add(TaskAttemptLogText.Header(target));
            lines.AddRange(TaskAttemptLogText.Spec(spec));
        }

        lines.AddRange(TaskAttemptLogText.Failure(what, error));
        var redactor = new SecretRedactor(spec is null ? [] : [.. TaskAttemptLogText.SecretConfValues(spec)]);
        return this.AppendAsync(target, lines, redactor, cancellationToken);
    }

    /// <summary>Appends lines the orchestrator decided (a retry, a sensor poke, a branch choice).</summary>
    /// <param name="target">The attempt.</param>
    /// <param name="lines">The lines.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>A task that completes when the lines are written (or dropped).</returns>
    public Task WriteLinesAsync(TaskAttemptLogTarget target, IEnumerable<string> lines, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(lines);
        return this.AppendAsync(target, [.. lines], null, cancellationToken);
    }

    /// <summary>Reads part of an attempt's log, for tailing: the bytes from <paramref name="offset"/> on, at most <paramref name="maxBytes"/>.</summary>
    /// <param name="target">The attempt.</param>
    /// <param name="offset">The first byte to read.</param>
    /// <param name="maxBytes">The most bytes to read.</param>
    /// <param name="cancellationToken">The cancellation token.</param>
    /// <returns>The bytes and the log's whole length, or null when the attempt has no log.</returns>
    public async Task<TaskAttemptLogChunk?> ReadAsync(TaskAttemptLogTarget target, long offset, int maxBytes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        var location = target.ToLocation();
        var blob = this.account.Blobs.GetBlobContainerClient(location.Container).GetBlobClient(location.Path);
        try
        {
            var properties = await blob.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            var length = properties.Value.ContentLength;
            if (offset >= length)
            {
                return new TaskAttemptLogChunk(ReadOnlyMemory<byte>.Empty, length);
            }

            var count = Math.Min(maxBytes, length - offset);
            var content = await blob.DownloadContentAsync(new BlobDownloadOptions { Range = new HttpRange(offset, count) }, cancellationToken).ConfigureAwait(false);
            return new TaskAttemptLogChunk(content.Value.Content.ToMemory(), length);
        }
        catch (RequestFailedException error) when (error.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Starts a log scope with the run id, task id, map index, attempt and job id, so every host log line inside an activity carries them.</summary>
    /// <param name="target">The attempt, or null outside a run.</param>
    /// <param name="jobId">The job id, when known.</param>
    /// <returns>The scope to dispose, or null.</returns>
    public IDisposable? BeginScope(TaskAttemptLogTarget? target, string? jobId = null) =>
        target is null ? null : this.logger.BeginScope(new Dictionary<string, object?>
        {
            ["RunId"] = target.RunId,
            ["DagId"] = target.DagId,
            ["TaskId"] = target.TaskId,
            ["MapIndex"] = target.MapIndex,
            ["Attempt"] = target.Attempt,
            ["JobId"] = jobId,
        });

    private void StatusLines(TaskAttemptLogTarget target, SparkJobStatus status, List<string> lines)
    {
        var key = target.ToLocation().ToString();
        var state = status.State.ToString();
        if (!status.IsTerminal)
        {
            if (this.lastState.TryGetValue(key, out var last) && last == state)
            {
                return;
            }

            if (this.lastState.Count >= MaxRemembered)
            {
                // At worst a state line is repeated once after this; memory stays bounded.
                this.lastState.Clear();
            }

            this.lastState[key] = state;
            lines.Add($"job {status.JobId} state {state}" + (status.ClusterState is { } cluster ? $" (cluster: {cluster})" : string.Empty));
            return;
        }

        this.lastState.TryRemove(key, out _);
        lines.AddRange(TaskAttemptLogText.FinalStatus(status));
    }

    private async Task AppendAsync(TaskAttemptLogTarget target, List<string> lines, SecretRedactor? redactor, CancellationToken cancellationToken)
    {
        var location = target.ToLocation();
        var now = this.clock.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        foreach (var line in lines)
        {
            // A multi-line message (an engine error with its SQL position) keeps its lines together, indented under the first.
            var parts = (redactor?.Redact(line) ?? line).Split('\n');
            for (var i = 0; i < parts.Length; i++)
            {
                text.Append(now).Append(i == 0 ? " " : "   | ").Append(parts[i].TrimEnd('\r')).Append('\n');
            }
        }

        if (text.Length > MaxAppendChars)
        {
            text.Length = MaxAppendChars;
            text.Append("\n… (truncated)\n");
        }

        var blob = this.account.Blobs.GetBlobContainerClient(location.Container).GetAppendBlobClient(location.Path);
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        try
        {
            try
            {
                await AppendBlockAsync(blob, bytes, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException missing) when (missing.ErrorCode == "ContainerNotFound")
            {
                // A task that fails before any output is written may be the first to use the data container.
                await this.account.Blobs.GetBlobContainerClient(location.Container).CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                await AppendBlockAsync(blob, bytes, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (RequestFailedException error)
        {
            Logs.AttemptLogWriteFailed(this.logger, location.ToString(), error.Status, error.ErrorCode);
        }
    }

    private static async Task AppendBlockAsync(AppendBlobClient blob, byte[] bytes, CancellationToken cancellationToken)
    {
        await blob.CreateIfNotExistsAsync(new() { HttpHeaders = new() { ContentType = "text/plain; charset=utf-8" } }, cancellationToken).ConfigureAwait(false);
        using var stream = new MemoryStream(bytes, writable: false);
        await blob.AppendBlockAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
