using Microsoft.Extensions.Logging;

namespace Serverless.Durable.Diagnostics;

/// <summary>The engine's log messages, with stable event ids.</summary>
internal static partial class Logs
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Durable worker started on task hub '{TaskHub}' (polling: {Polling}).")]
    public static partial void WorkerStarted(this ILogger logger, string taskHub, bool polling);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Durable worker stopped.")]
    public static partial void WorkerStopped(this ILogger logger);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Debug, Message = "{InstanceId}: episode {Episode} of generation {Generation} applied {Applied} event(s), sent {Outbound} message(s), status {Status}.")]
    public static partial void EpisodeCommitted(this ILogger logger, string instanceId, int episode, int generation, int applied, int outbound, OrchestrationRuntimeStatus status);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Debug, Message = "{InstanceId}: another worker committed first; retrying with fresh state.")]
    public static partial void EpisodeConflict(this ILogger logger, string instanceId);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "{InstanceId}: re-sent {Count} outbound message(s) of an episode whose sends were not confirmed.")]
    public static partial void OutboxResent(this ILogger logger, string instanceId, int count);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "{InstanceId}: orchestration '{Name}' finished as {Status}.")]
    public static partial void OrchestrationFinished(this ILogger logger, string instanceId, string name, OrchestrationRuntimeStatus status);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Warning, Message = "Handling a message from queue '{Queue}' failed (delivery {DequeueCount}); it will be retried.")]
    public static partial void MessageFailed(this ILogger logger, Exception error, string queue, long dequeueCount);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Error, Message = "A message for instance '{InstanceId}' failed {DequeueCount} times; kept in queue '{PoisonQueue}' and the instance fails.")]
    public static partial void PoisonMessage(this ILogger logger, string instanceId, long dequeueCount, string poisonQueue);

    [LoggerMessage(EventId = 1030, Level = LogLevel.Debug, Message = "{InstanceId}: activity '{Name}' (task {TaskId}) {Outcome}.")]
    public static partial void ActivityRan(this ILogger logger, string instanceId, string name, int taskId, string outcome);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Warning, Message = "Polling queue '{Queue}' failed; retrying.")]
    public static partial void PollFailed(this ILogger logger, Exception error, string queue);
}
