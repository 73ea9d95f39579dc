using Serverless.Pipelines.Runs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// The live custom status and the final output of <see cref="DagRunOrchestrator"/>. The custom status is small and
/// constant-size: run-level facts and <see cref="TaskCounts"/>, with <see cref="Tasks"/> empty and
/// <see cref="TasksStored"/> set (the records are in <see cref="Runs.Tasks.RunTaskStore"/>); the output holds every record.
/// Runs started before that (2026-12-01) carry every record in their status.
/// </summary>
public sealed record DagRunResult
{
    /// <summary>Gets or sets the DAG id.</summary>
    public required string DagId { get; set; }

    /// <summary>Gets or sets the run id.</summary>
    public required string RunId { get; set; }

    /// <summary>Gets or sets the run state.</summary>
    public DagRunState State { get; set; }

    /// <summary>Gets or sets the run-level error (first failed task, or the termination reason).</summary>
    public string? Error { get; set; }

    /// <summary>Gets or sets the run this one reruns.</summary>
    public string? RerunOf { get; set; }

    /// <summary>Gets or sets the manifest location (<c>container/path</c>).</summary>
    public string? Manifest { get; set; }

    /// <summary>Gets or sets the run's deadline (UTC), or <see langword="null"/> when its DAG sets none.</summary>
    public DateTime? Deadline { get; set; }

    /// <summary>Gets or sets a value indicating whether the run had not finished by its deadline.</summary>
    public bool DeadlineMissed { get; set; }

    /// <summary>Gets or sets when the run's state became final (UTC): its end, before its last notifications are delivered.</summary>
    public DateTime? EndedAt { get; set; }

    /// <summary>
    /// Gets or sets the final state decided while the last manifest write has yet to record it in the runs index (the
    /// status says running then, and <see cref="EndedAt"/> is null). A reader shows it once the runs index does, so that
    /// GET run and the runs list never disagree in either direction; null otherwise and in runs before 2026-12-02.
    /// </summary>
    public DagRunState? PendingState { get; set; }

    /// <summary>Gets or sets when <see cref="PendingState"/> became final (UTC).</summary>
    public DateTime? PendingEndedAt { get; set; }

    /// <summary>Gets or sets the task instances in topological order (mapped instances by map index); empty in the custom status when <see cref="TasksStored"/>.</summary>
    public List<TaskInstanceRecord> Tasks { get; set; } = [];

    /// <summary>Gets or sets the number of task instances in each state (wire names), or null in the output and in runs of the old shape.</summary>
    public Dictionary<string, int>? TaskCounts { get; set; }

    /// <summary>Gets or sets a value indicating whether the run writes its task records to <see cref="Runs.Tasks.RunTaskStore"/> (where a reader finds them while the run has no output).</summary>
    public bool TasksStored { get; set; }
}
