using Serverless.Spark.Diagnostics;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="StartTaskJob"/>.</summary>
/// <param name="Spec">The rendered job spec.</param>
/// <param name="IdempotencyKey">The key: run id, task id, map index and attempt, so a redelivered activity never starts a second job.</param>
public sealed record StartTaskJobInput(SparkJobSpec Spec, string IdempotencyKey)
{
    /// <summary>Gets the task id the job belongs to.</summary>
    public string? TaskId { get; init; }

    /// <summary>
    /// Gets downstream jobs whose only remaining condition is jobs of this activity succeeding (trigger rule
    /// all_success, every other upstream already succeeded). When this job is finished successfully at submit, the
    /// activity submits them at once, in dependency order, so chains of fast jobs do not pay an orchestration round
    /// per task. A flat list, so a long chain does not nest.
    /// </summary>
    public IReadOnlyList<ChainedTaskJob> Chained { get; init; } = [];

    /// <summary>Gets the most chained jobs left running (not finished at submit) by this activity: the run's free task slots.</summary>
    public int MaxRunning { get; init; } = 1;

    /// <summary>Gets the backend the task names (<c>backend:</c> in the DAG file), or null for <c>Spark__Backend</c>.</summary>
    public string? Backend { get; init; }

    /// <summary>Gets the task attempt whose log the activity writes (the run, task, map index and attempt), or null for none.</summary>
    public TaskAttemptLogTarget? Log { get; init; }

    /// <summary>Gets the orchestration time at which the run scheduled this submit; the activity reports its work-item age from it.</summary>
    public DateTime? ScheduledAt { get; init; }

    /// <summary>Gets the run (the DAG run's id, also from a map chunk) whose <see cref="Records"/> these are.</summary>
    public string? RunId { get; init; }

    /// <summary>
    /// Gets the run's task records that changed since its last write (at most <see cref="Runs.Tasks.RunTaskStore.MaxBatch"/>),
    /// which the activity writes to <see cref="Runs.Tasks.RunTaskStore"/> while it submits: the run's custom status
    /// stays small, and GET run reads a running run's tasks from there, without an activity of its own.
    /// </summary>
    public IReadOnlyList<Runs.Tasks.StoredTaskRecord>? Records { get; init; }

    /// <summary>Gets the record of this job's own task instance as it is at the submit, which the activity completes with the job's id, backend and seen end before it writes it.</summary>
    public Runs.Tasks.StoredTaskRecord? JobRecord { get; init; }
}
