using Serverless.Pipelines.Runs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>The live custom status and the final output of <see cref="DagRunOrchestrator"/>.</summary>
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

    /// <summary>Gets or sets the task instances in topological order (mapped instances by map index).</summary>
    public List<TaskInstanceRecord> Tasks { get; set; } = [];
}
