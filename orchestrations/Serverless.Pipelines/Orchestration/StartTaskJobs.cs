using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Diagnostics;
using Serverless.Pipelines.Service;
using Serverless.Spark;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Durable activity: submits the job attempts a run made ready in one step (a wide layer after its upstream ended),
/// each exactly as <see cref="StartTaskJob"/> submits one, all at once (<see cref="Parallelism"/>). One activity
/// instead of one per job spares the run a queue message, a work item and history events per job, and the wait for
/// the activity worker to get through them one by one.
/// </summary>
/// <remarks>
/// Activities run at least once; each job's idempotency key makes a repeated submit return the first job. A job whose
/// submit fails is reported in its own outcome, so only its attempt fails; the others go on. The task records (the
/// run's changed records and each job's own) are written once every job is submitted, before chained jobs start.
/// </remarks>
public sealed class StartTaskJobs : TaskActivity<StartTaskJobsInput, List<StartTaskJobOutcome>>
{
    /// <summary>The most jobs of one activity; the run splits a larger step into several.</summary>
    public const int MaxJobs = 100;

    /// <summary>
    /// The most submits in flight at once: every job of a full batch. Each submit also reads the status, sets up the
    /// push watch and writes the attempt log, so a smaller bound makes the last jobs wait for the first: with 32, the
    /// submits of a 100-job batch spread over 370–700 ms on a loaded 2-core machine, with 100 over 20–40 ms.
    /// </summary>
    public const int Parallelism = MaxJobs;

    private readonly TaskJobSubmitter submitter;

    /// <summary>Initializes a new instance of the <see cref="StartTaskJobs"/> class.</summary>
    /// <param name="client">The Spark job client.</param>
    /// <param name="options">The pipeline options.</param>
    /// <param name="log">The attempt log writer.</param>
    /// <param name="variables">The template variables, whose secret values replace their tokens in the spec.</param>
    /// <param name="services">The services; a <see cref="DurableTaskClient"/> among them lets job ends be pushed to the run (<see cref="PipelineOptions.PushJobCompletion"/>).</param>
    public StartTaskJobs(SparkJobClient client, IOptions<PipelineOptions> options, TaskAttemptLog log, TemplateVariables variables, IServiceProvider services) =>
        this.submitter = new TaskJobSubmitter(client, options, log, variables, services);

    /// <inheritdoc/>
    public override async Task<List<StartTaskJobOutcome>> RunAsync(TaskActivityContext context, StartTaskJobsInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        if (input.Jobs.Count > MaxJobs)
        {
            throw new ArgumentException($"A batch holds {input.Jobs.Count} jobs; at most {MaxJobs} are submitted by one activity.", nameof(input));
        }

        PipelineTelemetry.WorkItemPickedUp(nameof(StartTaskJobs), input.Jobs.Count > 0 ? input.Jobs[0].Log?.DagId : null, input.ScheduledAt);
        var jobs = input.Jobs;
        var outcomes = new StartTaskJobOutcome[jobs.Count];
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Parallelism };
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs.Count), parallel, async (i, cancellationToken) =>
        {
            try
            {
                outcomes[i] = new StartTaskJobOutcome(await this.submitter.StartAsync(context.InstanceId, jobs[i], cancellationToken).ConfigureAwait(false));
            }
#pragma warning disable CA1031 // One job's failed submit fails only its own attempt, as a failed StartTaskJob would.
            catch (Exception error)
#pragma warning restore CA1031
            {
                outcomes[i] = new StartTaskJobOutcome(null) { ErrorType = error.GetType().FullName, Error = error.Message };
            }
        }).ConfigureAwait(false);

        await this.submitter.WriteRecordsAsync(input.RunId, input.Records, jobs.Select((job, i) => (job.JobRecord, outcomes[i].Started))).ConfigureAwait(false);

        // Jobs finished at their submit start their chained jobs, each chain as its own StartTaskJob would.
        var chaining = Enumerable.Range(0, jobs.Count).Where(i => outcomes[i].Started is { Status.State: SparkJobState.Succeeded } && jobs[i].Chained.Count > 0);
        await Parallel.ForEachAsync(chaining, parallel, async (i, cancellationToken) =>
            outcomes[i] = outcomes[i] with { Started = await this.submitter.StartChainedAsync(context.InstanceId, jobs[i], outcomes[i].Started!, cancellationToken).ConfigureAwait(false) }).ConfigureAwait(false);
        return [.. outcomes];
    }
}
