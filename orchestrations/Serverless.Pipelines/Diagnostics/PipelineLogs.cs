using Microsoft.Extensions.Logging;

namespace Serverless.Pipelines.Diagnostics;

/// <summary>The source-generated log messages of the DAG run orchestration (event ids 4200-4249), written through a replay-safe logger.</summary>
internal static partial class PipelineLogs
{
    [LoggerMessage(EventId = 4200, Level = LogLevel.Information, Message = "Run {RunId} of DAG {DagId} started")]
    public static partial void RunStarted(ILogger logger, string runId, string dagId);

    [LoggerMessage(EventId = 4201, Level = LogLevel.Information, Message = "Task {TaskId} attempt {Attempt} of run {RunId} ended {State} in {DurationMs} ms")]
    public static partial void TaskAttemptEnded(ILogger logger, string taskId, int attempt, string runId, string state, long durationMs);

    [LoggerMessage(EventId = 4202, Level = LogLevel.Information, Message = "Run {RunId} of DAG {DagId} ended {State} in {DurationMs} ms")]
    public static partial void RunEnded(ILogger logger, string runId, string dagId, string state, long durationMs);

    [LoggerMessage(EventId = 4203, Level = LogLevel.Warning, Message = "{Count} task records of run {RunId} were not written (status {Status}, {ErrorCode}); GET run shows them at their next write")]
    public static partial void TaskRecordsNotWritten(ILogger logger, string runId, int count, int status, string? errorCode);
}
