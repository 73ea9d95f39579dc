using Serverless.Pipelines.Runs.Tasks;

namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="StartTaskJobs"/>: job attempts a run made ready in one step, submitted by one activity.</summary>
/// <param name="Jobs">
/// The jobs, each as <see cref="StartTaskJob"/> takes one (with its own <see cref="StartTaskJobInput.JobRecord"/>,
/// without <see cref="StartTaskJobInput.Records"/>: the batch carries the run's changed records once).
/// </param>
public sealed record StartTaskJobsInput(IReadOnlyList<StartTaskJobInput> Jobs)
{
    /// <summary>Gets the run (the DAG run's id) whose <see cref="Records"/> these are.</summary>
    public string? RunId { get; init; }

    /// <summary>Gets the orchestration time at which the run scheduled this submit; the activity reports its work-item age from it.</summary>
    public DateTime? ScheduledAt { get; init; }

    /// <summary>Gets the run's task records that changed since its last write, written with the jobs' own records.</summary>
    public IReadOnlyList<StoredTaskRecord>? Records { get; init; }
}
