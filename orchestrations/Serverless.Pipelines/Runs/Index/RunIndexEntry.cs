namespace Serverless.Pipelines.Runs.Index;

/// <summary>One run as the runs index keeps it: what run lists and task-instance lists show without reading the task hub.</summary>
public sealed record RunIndexEntry
{
    /// <summary>Gets the run id.</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the DAG id.</summary>
    public required string DagId { get; init; }

    /// <summary>Gets the logical date: the listing order (newest first) and what from/to filter on.</summary>
    public required DateTimeOffset LogicalDate { get; init; }

    /// <summary>Gets the run state.</summary>
    public DagRunState State { get; init; }

    /// <summary>Gets how the run was started, when the writer knows it.</summary>
    public DagRunTriggeredBy? TriggeredBy { get; init; }

    /// <summary>Gets the run this one reruns.</summary>
    public string? RerunOf { get; init; }

    /// <summary>Gets when the run was queued, when the writer knows it.</summary>
    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Gets when the first task started.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>Gets when the run finished.</summary>
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>Gets the run-level error.</summary>
    public string? Error { get; init; }

    /// <summary>Gets the task instances; null when the writer has none to report (the start row), so a merge keeps what is stored.</summary>
    public IReadOnlyList<RunIndexTask>? Tasks { get; init; }

    /// <summary>Gets a value indicating whether the run had not finished by its deadline (once true, it stays true).</summary>
    public bool DeadlineMissed { get; init; }

    /// <summary>Gets a value indicating whether the run has reached a final state.</summary>
    public bool IsFinished => State is DagRunState.Success or DagRunState.Failed;
}
