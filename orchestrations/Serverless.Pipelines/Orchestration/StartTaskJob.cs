using Microsoft.Extensions.Options;
using Serverless.Durable;
using Serverless.Pipelines.Service;
using Serverless.Spark;
using Serverless.Spark.Hosting;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Durable activity: submits a task's Spark job and reads its status at once. A job that is already finished (a
/// no-op, or a small local DuckDB job given <see cref="PipelineOptions.LocalJobStartWait"/>) saves the orchestrator a
/// durable timer — the difference between milliseconds and a second per task.
/// </summary>
/// <remarks>Activities run at least once; the idempotency key makes a repeated submit return the first job.</remarks>
public sealed class StartTaskJob : TaskActivity<StartTaskJobInput, StartedTaskJob>
{
    private readonly SparkJobClient client;
    private readonly PipelineOptions options;

    /// <summary>Initializes a new instance of the <see cref="StartTaskJob"/> class.</summary>
    /// <param name="client">The Spark job client.</param>
    /// <param name="options">The pipeline options.</param>
    public StartTaskJob(SparkJobClient client, IOptions<PipelineOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.client = client;
        this.options = options.Value;
    }

    /// <inheritdoc/>
    public override async Task<StartedTaskJob> RunAsync(TaskActivityContext context, StartTaskJobInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var handle = await this.client.StartJobAsync(input.Spec, input.IdempotencyKey, context.CancellationToken).ConfigureAwait(false);
        var status = await this.client.GetStatusAsync(handle, context.CancellationToken).ConfigureAwait(false);
        if (!status.IsTerminal && string.Equals(handle.Backend, SparkBackendNames.Local, StringComparison.OrdinalIgnoreCase) && this.options.LocalJobStartWait > TimeSpan.Zero)
        {
            // The local backend answers status from memory, so a short wait here is cheap and spares the run a
            // whole-second durable timer for the many jobs that finish in a few hundred milliseconds.
            var until = DateTime.UtcNow + this.options.LocalJobStartWait;
            var delay = TimeSpan.FromMilliseconds(10);
            while (!status.IsTerminal && DateTime.UtcNow < until)
            {
                await Task.Delay(delay, context.CancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
                status = await this.client.GetStatusAsync(handle, context.CancellationToken).ConfigureAwait(false);
            }
        }

        return new StartedTaskJob(handle, status);
    }
}
