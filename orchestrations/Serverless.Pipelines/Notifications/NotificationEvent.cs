namespace Serverless.Pipelines.Notifications;

/// <summary>
/// One thing that happened in a run and is worth telling someone. Built by the orchestrator from replay-safe values
/// only, so every delivery attempt and every replay sends the same event with the same <see cref="Id"/>.
/// </summary>
public sealed record NotificationEvent
{
    /// <summary>The longest error text an event carries; longer errors are cut, so a body stays small.</summary>
    public const int MaxErrorLength = 1000;

    /// <summary>Gets the stable event id (see <see cref="NotificationEventIds"/>); receivers drop repeats by it.</summary>
    public required string Id { get; init; }

    /// <summary>Gets what happened.</summary>
    public required NotificationEventKind Kind { get; init; }

    /// <summary>Gets the DAG id.</summary>
    public required string DagId { get; init; }

    /// <summary>Gets the run id.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the task id of a task event, or <see langword="null"/> for a run event.</summary>
    public string? TaskId { get; init; }

    /// <summary>Gets the map index of a mapped task instance, or <see langword="null"/>.</summary>
    public int? MapIndex { get; init; }

    /// <summary>Gets the attempt of a task event (1 for the first), or <see langword="null"/> for a run event.</summary>
    public int? Attempt { get; init; }

    /// <summary>Gets the state the task or run reached (<c>failed</c>, <c>up_for_retry</c>, <c>success</c>, <c>running</c>).</summary>
    public required string State { get; init; }

    /// <summary>Gets the error of a failure or retry, truncated to <see cref="MaxErrorLength"/> characters.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the run's logical date.</summary>
    public required DateTimeOffset LogicalDate { get; init; }

    /// <summary>Gets when the event happened (orchestration time, UTC).</summary>
    public required DateTime OccurredAt { get; init; }

    /// <summary>Gets the deadline that was missed, for <see cref="NotificationEventKind.DeadlineMissed"/>.</summary>
    public DateTime? Deadline { get; init; }
}
