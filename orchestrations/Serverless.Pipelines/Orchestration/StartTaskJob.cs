using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Diagnostics;
using Serverless.Pipelines.Service;
using Serverless.Spark;
using Serverless.Spark.Diagnostics;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Durable activity: submits a task's Spark job and reads its status at once. A job that is already finished (a
/// no-op, or a small local DuckDB job given <see cref="PipelineOptions.LocalJobStartWait"/>) saves the orchestrator a
/// durable timer — the difference between milliseconds and a second per task.
/// </summary>
/// <remarks>
/// Activities run at least once; the idempotency key makes a repeated submit return the first job. Each job's task
/// attempt log gets the rendered spec, the backend and job id and the first status (or the submit's failure), and
/// the handle names the log so the status polls append to it.
/// </remarks>
public sealed class StartTaskJob : TaskActivity<StartTaskJobInput, StartedTaskJob>
{
    /// <summary>The Spark conf key that carries the task attempt's W3C traceparent to cluster jobs.</summary>
    public const string TraceParentConf = "spark.serverless.traceparent";

    private readonly TaskJobSubmitter submitter;

    /// <summary>Initializes a new instance of the <see cref="StartTaskJob"/> class.</summary>
    /// <param name="client">The Spark job client.</param>
    /// <param name="options">The pipeline options.</param>
    /// <param name="log">The attempt log writer.</param>
    /// <param name="variables">The template variables, whose secret values replace their tokens in the spec.</param>
    /// <param name="services">The services; a <see cref="DurableTaskClient"/> among them lets job ends be pushed to the run (<see cref="PipelineOptions.PushJobCompletion"/>).</param>
    public StartTaskJob(SparkJobClient client, IOptions<PipelineOptions> options, TaskAttemptLog log, TemplateVariables variables, IServiceProvider services) =>
        this.submitter = new TaskJobSubmitter(client, options, log, variables, services);

    /// <inheritdoc/>
    public override async Task<StartedTaskJob> RunAsync(TaskActivityContext context, StartTaskJobInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var cancellationToken = CancellationToken.None;
        PipelineTelemetry.WorkItemPickedUp(nameof(StartTaskJob), input.Log?.DagId, input.ScheduledAt);
        // Written after the submit, in one transaction with this job's own record completed with its job id: the
        // records are for readers, the submit is the run's hop.
        StartedTaskJob first;
        try
        {
            first = await this.submitter.StartAsync(context.InstanceId, input, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await this.submitter.WriteRecordsAsync(input.RunId, input.Records, [(input.JobRecord, null)]).ConfigureAwait(false);
            throw;
        }

        await this.submitter.WriteRecordsAsync(input.RunId, input.Records, [(input.JobRecord, first)]).ConfigureAwait(false);

        // This job is done: the chained jobs need no orchestration round to start.
        return await this.submitter.StartChainedAsync(context.InstanceId, input, first, cancellationToken).ConfigureAwait(false);
    }
}
