namespace Serverless.Pipelines.Notifications;

/// <summary>A dead letter as it is listed: an event and target whose delivery used up its attempts (no URL, no secret).</summary>
/// <param name="EventId">The event id (as in <c>X-Serverless-Event-Id</c>).</param>
/// <param name="DagId">The DAG id.</param>
/// <param name="RunId">The run id.</param>
/// <param name="TaskId">The task, or null for a run event.</param>
/// <param name="MapIndex">The map index, or null.</param>
/// <param name="Attempt">The task attempt the event is about, or null.</param>
/// <param name="Kind">The event kind (<c>task_failed</c>, <c>run_failed</c>, <c>deadline_missed</c>, ...).</param>
/// <param name="Target">The setting name, or the URL's scheme and host only.</param>
/// <param name="Attempts">The delivery attempts made.</param>
/// <param name="LastError">The last attempt's error.</param>
/// <param name="DeadLetteredAt">When delivery was given up.</param>
public sealed record NotificationDeadLetterRow(
    string EventId,
    string DagId,
    string? RunId,
    string? TaskId,
    int? MapIndex,
    int? Attempt,
    string? Kind,
    string? Target,
    int? Attempts,
    string? LastError,
    DateTimeOffset? DeadLetteredAt);
