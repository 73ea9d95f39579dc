using Serverless.Spark.Diagnostics;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>A downstream job <see cref="StartTaskJob"/> may submit itself, once every job it waits for has succeeded in the same activity.</summary>
/// <param name="TaskId">The downstream task id.</param>
/// <param name="Spec">Its rendered spec (as if its upstreams had succeeded).</param>
/// <param name="IdempotencyKey">The key of its first attempt, the same key the orchestrator would use.</param>
/// <param name="After">The task ids of the jobs in this activity that must succeed first.</param>
/// <param name="Backend">The backend the task names, or null for the default.</param>
public sealed record ChainedTaskJob(string TaskId, SparkJobSpec Spec, string IdempotencyKey, IReadOnlyList<string> After, string? Backend = null)
{
    /// <summary>Gets the log of its first attempt, or null for none.</summary>
    public TaskAttemptLogTarget? Log { get; init; }
}
