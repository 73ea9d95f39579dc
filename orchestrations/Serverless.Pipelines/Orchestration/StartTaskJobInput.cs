using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="StartTaskJob"/>.</summary>
/// <param name="Spec">The rendered job spec.</param>
/// <param name="IdempotencyKey">The key: run id, task id, map index and attempt, so a redelivered activity never starts a second job.</param>
public sealed record StartTaskJobInput(SparkJobSpec Spec, string IdempotencyKey);
