using Microsoft.DurableTask;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Activities;

/// <summary>
/// Durable activity: validates and submits a Spark job, returns its handle at once. Poll with
/// <see cref="GetSparkJobStatus"/> on durable timers; never wait for the job inside an activity.
/// </summary>
/// <remarks>Activities run at least once; the idempotency key makes a repeated submit return the same job.</remarks>
public sealed class SubmitSparkJob : TaskActivity<SubmitSparkJobInput, SparkJobHandle>
{
    private readonly SparkJobClient client;

    /// <summary>Initializes a new instance of the <see cref="SubmitSparkJob"/> class.</summary>
    /// <param name="client">The job client.</param>
    public SubmitSparkJob(SparkJobClient client) => this.client = client;

    /// <inheritdoc/>
    public override Task<SparkJobHandle> RunAsync(TaskActivityContext context, SubmitSparkJobInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        return this.client.StartJobAsync(input.Spec, input.IdempotencyKey, input.Backend, CancellationToken.None);
    }
}
