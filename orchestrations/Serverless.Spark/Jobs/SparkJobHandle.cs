using Serverless.Spark.Diagnostics;

namespace Serverless.Spark.Jobs;

/// <summary>What a submit returns and status/cancel take: small, serializable, free of secrets.</summary>
/// <param name="Backend">The backend that runs the job (<c>local</c>, <c>livy</c>, <c>synapse</c>, <c>databricks</c>).</param>
/// <param name="JobId">The backend's job id (Livy batch id, Databricks run id, local job id).</param>
/// <param name="IdempotencyKey">The key the job was submitted under.</param>
public sealed record SparkJobHandle(string Backend, string JobId, string IdempotencyKey)
{
    /// <summary>Gets the task attempt whose log the status and cancel activities append to, or null for none.</summary>
    public TaskAttemptLogTarget? Log { get; init; }
}
