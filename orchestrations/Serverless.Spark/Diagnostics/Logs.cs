using Microsoft.Extensions.Logging;

namespace Serverless.Spark.Diagnostics;

/// <summary>The source-generated log messages of the Spark job layer (event ids 3000-3099). Never logs secrets.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Spark job {JobName} submitted to {Backend} as {JobId} (key {IdempotencyKey})")]
    public static partial void JobSubmitted(ILogger logger, string jobName, string backend, string jobId, string idempotencyKey);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Spark job {JobId} on {Backend}: submit repeated with key {IdempotencyKey}; returning the existing job")]
    public static partial void JobAlreadySubmitted(ILogger logger, string backend, string jobId, string idempotencyKey);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Spark job {JobId} finished {State} in {DurationMs} ms, {RowsWritten} rows written")]
    public static partial void JobFinished(ILogger logger, string jobId, string state, long durationMs, long rowsWritten);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "Spark job {JobId} failed: {Message}")]
    public static partial void JobFailed(ILogger logger, string jobId, string message);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning, Message = "Spark job {JobId} is lost: no heartbeat from host {Owner} since {HeartbeatAt}")]
    public static partial void JobLost(ILogger logger, string jobId, string? owner, DateTimeOffset? heartbeatAt);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information, Message = "Spark job {JobId} on {Backend}: cancel requested")]
    public static partial void CancelRequested(ILogger logger, string backend, string jobId);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Warning, Message = "Spark key {IdempotencyKey} on {Backend}: a previous submit did not record its batch; recovered batch {JobId} by name {BatchName}")]
    public static partial void BatchRecovered(ILogger logger, string backend, string idempotencyKey, string jobId, string batchName);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Warning, Message = "Spark key {IdempotencyKey} on {Backend}: a previous submit did not record its batch and no batch named {BatchName} exists; submitting again")]
    public static partial void BatchNotFoundResubmitting(ILogger logger, string backend, string idempotencyKey, string batchName);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug, Message = "Staged input {Blob}: {Outcome}, {Bytes} bytes")]
    public static partial void InputStaged(ILogger logger, string blob, string outcome, long bytes);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Warning, Message = "Could not remove the temporary folder {Folder} of job {JobId}")]
    public static partial void TempCleanupFailed(ILogger logger, Exception exception, string folder, string jobId);

    [LoggerMessage(EventId = 3010, Level = LogLevel.Warning, Message = "Could not append to the attempt log {Blob}: status {Status}, {ErrorCode}; the lines are dropped")]
    public static partial void AttemptLogWriteFailed(ILogger logger, string blob, int status, string? errorCode);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "The job watcher's loop failed ({ErrorType}); it goes on")]
    public static partial void WatchLoopFailed(ILogger logger, string errorType);

    [LoggerMessage(EventId = 3012, Level = LogLevel.Debug, Message = "Spark job {JobId} on {Backend}: the watcher's status read failed ({ErrorType}); it reads again at the next interval")]
    public static partial void WatchPollFailed(ILogger logger, string backend, string jobId, string errorType);

    [LoggerMessage(EventId = 3013, Level = LogLevel.Information, Message = "Spark job {JobId} on {Backend}: still running after {Minutes} minutes of watching; the watcher drops it and the run's own poll goes on")]
    public static partial void WatchGaveUp(ILogger logger, string backend, string jobId, long minutes);

    [LoggerMessage(EventId = 3014, Level = LogLevel.Warning, Message = "Spark job {JobId} on {Backend} ended, but telling it failed ({ErrorType}); the run's own poll will see it")]
    public static partial void WatchNoticeFailed(ILogger logger, string backend, string jobId, string errorType);
}
