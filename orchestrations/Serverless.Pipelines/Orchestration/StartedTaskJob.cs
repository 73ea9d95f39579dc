using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>The result of <see cref="StartTaskJob"/>: the handle and the status read right after the submit.</summary>
/// <param name="Handle">The job handle.</param>
/// <param name="Status">The status; when terminal, the orchestrator skips the poll timer.</param>
public sealed record StartedTaskJob(SparkJobHandle Handle, SparkJobStatus Status)
{
    /// <summary>Gets the task id the job belongs to.</summary>
    public string? TaskId { get; init; }

    /// <summary>
    /// Gets a value indicating whether the job's end will be told to the run as the event
    /// <see cref="DagRunEvents.JobEnded"/> (pushed by its backend, or seen by the host's job watcher, see
    /// <see cref="JobEndWatch"/>); the run then waits for it and polls only as a slow fallback.
    /// </summary>
    public bool Pushed { get; init; }

    /// <summary>Gets when the activity submitted the job (the host's clock); a chained job's true start.</summary>
    public DateTime? SubmittedAt { get; init; }

    /// <summary>Gets when the activity saw the job end, or null when it was still running as the activity returned.</summary>
    public DateTime? SeenEndedAt { get; init; }

    /// <summary>Gets the chained jobs the activity submitted (see <see cref="StartTaskJobInput.Chained"/>).</summary>
    public IReadOnlyList<StartedTaskJob> Chained { get; init; } = [];
}
