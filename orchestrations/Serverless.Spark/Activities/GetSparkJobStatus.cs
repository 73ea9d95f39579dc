using Microsoft.DurableTask;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Activities;

/// <summary>Durable activity: reads the status of a submitted job (one short call to the backend).</summary>
/// <remarks>When the handle names a task attempt, state changes and the engine's final words go to its log.</remarks>
public sealed class GetSparkJobStatus : TaskActivity<SparkJobHandle, SparkJobStatus>
{
    private readonly SparkJobClient client;
    private readonly TaskAttemptLog log;

    /// <summary>Initializes a new instance of the <see cref="GetSparkJobStatus"/> class.</summary>
    /// <param name="client">The job client.</param>
    /// <param name="log">The attempt log writer.</param>
    public GetSparkJobStatus(SparkJobClient client, TaskAttemptLog log)
    {
        this.client = client;
        this.log = log;
    }

    /// <inheritdoc/>
    public override async Task<SparkJobStatus> RunAsync(TaskActivityContext context, SparkJobHandle input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        using var scope = this.log.BeginScope(input.Log, input.JobId);
        using var span = RunTrace.StartUnder(SparkTelemetry.ActivitySource, "spark.job.status", input.Log, input.JobId);
        var status = await this.client.GetStatusAsync(input, CancellationToken.None).ConfigureAwait(false);
        if (input.Log is { } target)
        {
            await this.log.WriteStatusAsync(target, status, CancellationToken.None).ConfigureAwait(false);
        }

        span?.SetTag("serverless.job_state", status.State.ToString());
        return status;
    }
}
