using Microsoft.DurableTask;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Jobs;

namespace Serverless.Spark.Activities;

/// <summary>Durable activity: asks a job to stop and returns the status after the request.</summary>
public sealed class CancelSparkJob : TaskActivity<SparkJobHandle, SparkJobStatus>
{
    private readonly SparkJobClient client;
    private readonly TaskAttemptLog log;

    /// <summary>Initializes a new instance of the <see cref="CancelSparkJob"/> class.</summary>
    /// <param name="client">The job client.</param>
    /// <param name="log">The attempt log writer.</param>
    public CancelSparkJob(SparkJobClient client, TaskAttemptLog log)
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
        using var span = RunTrace.StartUnder(SparkTelemetry.ActivitySource, "spark.job.cancel", input.Log, input.JobId);
        if (input.Log is { } target)
        {
            await this.log.WriteLinesAsync(target, [$"cancel requested for job {input.JobId}"], CancellationToken.None).ConfigureAwait(false);
        }

        var status = await this.client.CancelJobAsync(input, CancellationToken.None).ConfigureAwait(false);
        if (input.Log is { } log)
        {
            await this.log.WriteStatusAsync(log, status, CancellationToken.None).ConfigureAwait(false);
        }

        span?.SetTag("serverless.job_state", status.State.ToString());
        return status;
    }
}
