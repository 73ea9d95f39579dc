using Microsoft.Extensions.Logging;

namespace Serverless.Pipelines.Notifications;

/// <summary>The source-generated log messages of notification delivery (event ids 4700-4719). Targets appear only as <see cref="Definitions.NotificationTarget.Describe"/> gives them, never with a webhook's path or query.</summary>
internal static partial class NotificationLogs
{
    [LoggerMessage(EventId = 4700, Level = LogLevel.Information, Message = "Notification {EventId} ({Kind}) of run {RunId} delivered to {Target}: HTTP {Status}")]
    public static partial void Delivered(ILogger logger, string eventId, string kind, string runId, string target, int status);

    [LoggerMessage(EventId = 4701, Level = LogLevel.Warning, Message = "Notification {EventId} ({Kind}) of run {RunId} not delivered to {Target}: {Reason}")]
    public static partial void NotDelivered(ILogger logger, string eventId, string kind, string runId, string target, string reason);

    [LoggerMessage(EventId = 4702, Level = LogLevel.Error, Message = "Notification {EventId} ({Kind}) of run {RunId} dead-lettered for {Target} after {Attempts} attempts: {LastError}")]
    public static partial void DeadLettered(ILogger logger, string eventId, string kind, string runId, string target, int attempts, string lastError);
}
