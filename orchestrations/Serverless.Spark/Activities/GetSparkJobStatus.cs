using Microsoft.DurableTask;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Activities;

/// <summary>Durable activity: reads the status of a submitted job (one short call to the backend).</summary>
public sealed class GetSparkJobStatus : TaskActivity<SparkJobHandle, SparkJobStatus>
{
    private readonly SparkJobClient client;

    /// <summary>Initializes a new instance of the <see cref="GetSparkJobStatus"/> class.</summary>
    /// <param name="client">The job client.</param>
    public GetSparkJobStatus(SparkJobClient client) => this.client = client;

    /// <inheritdoc/>
    public override Task<SparkJobStatus> RunAsync(TaskActivityContext context, SparkJobHandle input)
    {
        ArgumentNullException.ThrowIfNull(context);
        return this.client.GetStatusAsync(input, CancellationToken.None);
    }
}
