namespace Serverless.Pipelines.Orchestration;

/// <summary>What <see cref="StartTaskJobs"/> reports of one job: the job as started, or the submit's failure (which fails only that job's attempt).</summary>
/// <param name="Started">The job as <see cref="StartTaskJob"/> would return it, or null when its submit failed.</param>
public sealed record StartTaskJobOutcome(StartedTaskJob? Started)
{
    /// <summary>Gets the type of the exception the submit failed with, or null.</summary>
    public string? ErrorType { get; init; }

    /// <summary>Gets the submit's failure message (with secrets masked, as a failed <see cref="StartTaskJob"/> reports it), or null.</summary>
    public string? Error { get; init; }
}
