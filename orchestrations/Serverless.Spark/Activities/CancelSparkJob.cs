using Microsoft.DurableTask;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Activities;

/// <summary>Durable activity: asks a job to stop and returns the status after the request.</summary>
public sealed class CancelSparkJob : TaskActivity<SparkJobHandle, SparkJobStatus>
{
    private readonly SparkJobClient client;

    /// <summary>Initializes a new instance of the <see cref="CancelSparkJob"/> class.</summary>
    /// <param name="client">The job client.</param>
    public CancelSparkJob(SparkJobClient client) => this.client = client;

    /// <inheritdoc/>
    public override Task<SparkJobStatus> RunAsync(TaskActivityContext context, SparkJobHandle input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return this.client.CancelJobAsync(input, CancellationToken.None);
    }
}
