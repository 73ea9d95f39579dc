using Serverless.Spark.Jobs;

namespace Serverless.Spark.Activities;

/// <summary>The input of <see cref="SubmitSparkJob"/>.</summary>
/// <param name="Spec">The job spec.</param>
public sealed record SubmitSparkJobInput(SparkJobSpec Spec)
{
    /// <summary>
    /// Gets the idempotency key. When null, the key is derived from the orchestration instance id and the activity's
    /// task id, so a redelivered activity never starts a second job.
    /// </summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>Gets the backend to run on (<c>local</c>, <c>livy</c>, <c>synapse</c>, <c>databricks</c>); null for <c>Spark__Backend</c>.</summary>
    public string? Backend { get; init; }
}
