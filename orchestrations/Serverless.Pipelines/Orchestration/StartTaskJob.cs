using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Serverless.Pipelines.Diagnostics;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Runs.Tasks;
using Serverless.Pipelines.Service;
using Serverless.Spark;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;

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

    private const int ChainParallelism = 16;
    private readonly SparkJobClient client;
    private readonly PipelineOptions options;
    private readonly TaskAttemptLog log;
    private readonly TemplateVariables variables;
    private readonly JobEndWatch? endWatch;
    private readonly RunTaskWriter? records;

    /// <summary>Initializes a new instance of the <see cref="StartTaskJob"/> class.</summary>
    /// <param name="client">The Spark job client.</param>
    /// <param name="options">The pipeline options.</param>
    /// <param name="log">The attempt log writer.</param>
    /// <param name="variables">The template variables, whose secret values replace their tokens in the spec.</param>
    /// <param name="services">The services; a <see cref="DurableTaskClient"/> among them lets job ends be pushed to the run (<see cref="PipelineOptions.PushJobCompletion"/>).</param>
    public StartTaskJob(SparkJobClient client, IOptions<PipelineOptions> options, TaskAttemptLog log, TemplateVariables variables, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        this.client = client;
        this.options = options.Value;
        this.log = log;
        this.variables = variables;
        this.endWatch = this.options.PushJobCompletion && services.GetService<DurableTaskClient>() is { } durable
            ? new JobEndWatch(client, durable, services.GetService<SparkJobWatcher>(), log)
            : null;
        this.records = services.GetService<RunIndexStore>() is { } index
            ? new RunTaskWriter(new RunTaskStore(index), services.GetRequiredService<ILogger<StartTaskJob>>())
            : null;
    }

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
            first = await this.StartAsync(context.InstanceId, input.Spec, input.IdempotencyKey, input.Backend, input.Log, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await this.WriteRecordsAsync(input, null).ConfigureAwait(false);
            throw;
        }

        await this.WriteRecordsAsync(input, first).ConfigureAwait(false);

        if (first.Status.State != SparkJobState.Succeeded || input.Chained.Count == 0)
        {
            return first with { TaskId = input.TaskId };
        }

        // This job is done: the chained jobs need no orchestration round to start. Each goes once every job it waits
        // for succeeded here; one that cannot be submitted is left out, and the orchestrator submits it the normal
        // way (and reports the error).
        var succeeded = new HashSet<string>(StringComparer.Ordinal) { input.TaskId ?? string.Empty };
        var pending = input.Chained.ToList();
        var started = new List<StartedTaskJob>();
        while (true)
        {
            // Jobs still running after their submit take the run's task slots; never exceed what the run has free.
            var free = input.MaxRunning - started.Count(j => !j.Status.IsTerminal);
            var ready = pending.Where(j => j.After.All(succeeded.Contains)).Take(Math.Max(0, free)).ToList();
            if (ready.Count == 0)
            {
                break;
            }

            pending.RemoveAll(ready.Contains);
            using var gate = new SemaphoreSlim(ChainParallelism, ChainParallelism);
            var results = await Task.WhenAll(ready.Select(async job =>
            {
                await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    return (await this.StartAsync(context.InstanceId, job.Spec, job.IdempotencyKey, job.Backend, job.Log, cancellationToken).ConfigureAwait(false)) with { TaskId = job.TaskId };
                }
#pragma warning disable CA1031 // See above: the orchestrator submits it again and reports its error.
                catch (Exception)
#pragma warning restore CA1031
                {
                    return null;
                }
                finally
                {
                    gate.Release();
                }
            })).ConfigureAwait(false);
            foreach (var result in results.OfType<StartedTaskJob>())
            {
                started.Add(result);
                if (result.Status.State == SparkJobState.Succeeded)
                {
                    succeeded.Add(result.TaskId!);
                }
            }
        }

        return first with { TaskId = input.TaskId, Chained = started };
    }

    private Task WriteRecordsAsync(StartTaskJobInput input, StartedTaskJob? started)
    {
        if (this.records is null)
        {
            return Task.CompletedTask;
        }

        var records = input.Records ?? [];
        if (input.JobRecord is { } own && started is not null && TaskRecordJson.Deserialize(own.Json) is { } record)
        {
            record.JobId = started.Handle.JobId;
            record.Backend = started.Handle.Backend;
            record.JobEndedAt = started.SeenEndedAt;
            records = [.. records, own with { Json = TaskRecordJson.Serialize(record) }];
        }

        return this.records.WriteAsync(input.RunId, records);
    }

    private async Task<StartedTaskJob> StartAsync(string runInstanceId, SparkJobSpec spec, string key, string? backend, TaskAttemptLogTarget? log, CancellationToken cancellationToken)
    {
        using var scope = this.log.BeginScope(log);

        // The job's span is a child of its own task attempt, also when another task's activity submits it (chaining).
        using var span = RunTrace.StartUnder(SparkTelemetry.ActivitySource, "spark.job.submit", log);
        SparkJobHandle handle;
        var submittedAt = DateTime.UtcNow;
        try
        {
            // Secret variables enter the spec only here, never the orchestration's history or the log.
            handle = await this.client.StartJobAsync(WithTraceParent(this.variables.Resolve(spec), backend ?? this.client.Backend.Name, log), key, backend, cancellationToken).ConfigureAwait(false);
            span?.SetTag("serverless.job_id", handle.JobId);
            span?.SetTag("serverless.backend", handle.Backend);
        }
        catch (Exception error)
        {
            // The activity's failure message becomes the task's error and its log line: never with a secret in it.
            var masked = this.variables.Redact(error.Message);
            var safe = masked is not null && !string.Equals(masked, error.Message, StringComparison.Ordinal) ? new InvalidOperationException(masked) : error;
            if (log is not null)
            {
                await this.log.WriteFailureAsync(log, "submit", safe, this.variables.Masked(spec), cancellationToken).ConfigureAwait(false);
            }

            if (!ReferenceEquals(safe, error))
            {
                throw safe;
            }

            throw;
        }

        handle = handle with { Log = log };
        var status = await this.client.GetStatusAsync(handle, cancellationToken).ConfigureAwait(false);
        var pushed = false;
        if (!status.IsTerminal && this.endWatch is { } watch && watch.Push(runInstanceId, handle, log))
        {
            // Push: the backend tells the run the moment the job ends, which saves the run a poll round (and the
            // wait for it). Watched before the status is read again, so an end in between is never missed.
            status = await this.client.GetStatusAsync(handle, cancellationToken).ConfigureAwait(false);
            pushed = !status.IsTerminal;
        }

        if (!pushed && !status.IsTerminal && string.Equals(handle.Backend, SparkBackendNames.Local, StringComparison.OrdinalIgnoreCase) && this.options.LocalJobStartWait > TimeSpan.Zero)
        {
            // The local backend answers status from memory, so a short wait here is cheap and spares the run a
            // whole-second durable timer for the many jobs that finish in a few hundred milliseconds.
            var until = DateTime.UtcNow + this.options.LocalJobStartWait;
            var delay = TimeSpan.FromMilliseconds(10);
            while (!status.IsTerminal && DateTime.UtcNow < until)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 100));
                status = await this.client.GetStatusAsync(handle, cancellationToken).ConfigureAwait(false);
            }
        }

        if (log is not null)
        {
            await this.log.WriteSubmittedAsync(log, this.variables.Masked(spec), handle, status, cancellationToken).ConfigureAwait(false);
        }

        if (!pushed && !status.IsTerminal && this.endWatch is { } poller && !string.Equals(handle.Backend, SparkBackendNames.Local, StringComparison.OrdinalIgnoreCase))
        {
            // No push: this host polls the job and tells the run as a push would. Handed over after the submit's log
            // line, so the final status the watcher writes comes after it. Not a local job of another host: its
            // status is read from the jobs table, so each of the watcher's polls would be a storage transaction.
            pushed = poller.Poll(runInstanceId, handle, log);
        }

        span?.SetTag("serverless.job_state", status.State.ToString());
        // A chained job may end before the run even sees it: these times are its only true start and end.
        return new StartedTaskJob(handle, status) { Pushed = pushed, SubmittedAt = submittedAt, SeenEndedAt = status.IsTerminal ? DateTime.UtcNow : null };
    }

    /// <summary>
    /// Hands the task attempt's W3C traceparent to a cluster job as Spark conf, so the cluster's own tracing can join
    /// the run's trace. Livy and Synapse batches take conf as given; Databricks refuses conf on an existing cluster and
    /// the local engine has no tracing, so they get none.
    /// </summary>
    private static SparkJobSpec WithTraceParent(SparkJobSpec spec, string backend, TaskAttemptLogTarget? log)
    {
        if (log is null || !(string.Equals(backend, SparkBackendNames.Livy, StringComparison.OrdinalIgnoreCase) || string.Equals(backend, SparkBackendNames.Synapse, StringComparison.OrdinalIgnoreCase)))
        {
            return spec;
        }

        return spec with { Conf = new Dictionary<string, string>(spec.Conf, StringComparer.Ordinal) { [TraceParentConf] = RunTrace.TraceParent(log) } };
    }
}
