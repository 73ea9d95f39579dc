using Serverless.Spark.Jobs;

namespace Serverless.Spark.Activities;

/// <summary>The input of <see cref="SubmitSparkJob"/>.</summary>
/// <param name="Spec">The job spec.</param>
/// <param name="IdempotencyKey">
/// The submit key: the same key always names the same job, so a redelivered activity never starts a second one.
/// Callers derive it from what identifies one attempt (run, task, map index, attempt), since an activity has no
/// identity of its own that survives redelivery.
/// </param>
public sealed record SubmitSparkJobInput(SparkJobSpec Spec, string IdempotencyKey)
{

    /// <summary>Gets the backend to run on (<c>local</c>, <c>livy</c>, <c>synapse</c>, <c>databricks</c>); null for <c>Spark__Backend</c>.</summary>
    public string? Backend { get; init; }
}
