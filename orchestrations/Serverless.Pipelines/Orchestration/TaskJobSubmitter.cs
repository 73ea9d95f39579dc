using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Runs.Tasks;
using Serverless.Pipelines.Service;
using Serverless.Spark;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// The submit of one task job, shared by <see cref="StartTaskJob"/> (one job) and <see cref="StartTaskJobs"/> (the
/// jobs a run made ready in one step): the submit with its secrets resolved, the push watch, the first status, the
/// attempt log, the fast jobs chained after it, and the task records the activity carries.
/// </summary>
internal sealed class TaskJobSubmitter
{
    private const int ChainParallelism = 16;
    private readonly SparkJobClient client;
    private readonly PipelineOptions options;
    private readonly TaskAttemptLog log;
    private readonly TemplateVariables variables;
    private readonly JobEndWatch? endWatch;
    private readonly RunTaskWriter? records;

    public TaskJobSubmitter(SparkJobClient client, IOptions<PipelineOptions> options, TaskAttemptLog log, TemplateVariables variables, IServiceProvider services)
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

    /// <summary>Submits one job (not its chained jobs).</summary>
    /// <param name="runInstanceId">The run's orchestration instance, told of a pushed end.</param>
    /// <param name="input">The job.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The started job, with its task id.</returns>
    public async Task<StartedTaskJob> StartAsync(string runInstanceId, StartTaskJobInput input, CancellationToken cancellationToken) =>
        (await this.StartAsync(runInstanceId, input.Spec, input.IdempotencyKey, input.Backend, input.Log, cancellationToken).ConfigureAwait(false)) with { TaskId = input.TaskId };

    /// <summary>
    /// Submits the jobs chained after a job that was finished at its submit (see <see cref="StartTaskJobInput.Chained"/>):
    /// each once every job it waits for succeeded here. One that cannot be submitted is left out, and the orchestrator
    /// submits it the normal way (and reports the error).
    /// </summary>
    /// <param name="runInstanceId">The run's orchestration instance.</param>
    /// <param name="input">The job the chain follows.</param>
    /// <param name="first">That job as started.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns><paramref name="first"/> with the chained jobs it started.</returns>
    public async Task<StartedTaskJob> StartChainedAsync(string runInstanceId, StartTaskJobInput input, StartedTaskJob first, CancellationToken cancellationToken)
    {
        if (first.Status.State != SparkJobState.Succeeded || input.Chained.Count == 0)
        {
            return first;
        }

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
                    return (await this.StartAsync(runInstanceId, job.Spec, job.IdempotencyKey, job.Backend, job.Log, cancellationToken).ConfigureAwait(false)) with { TaskId = job.TaskId };
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

        return first with { Chained = started };
    }

    /// <summary>
    /// Writes the task records an activity carries: <paramref name="changed"/>, and each job's own record completed
    /// with its job id, backend and seen end (left out when its submit failed: the run writes it with its error).
    /// </summary>
    /// <param name="runId">The run the records are of.</param>
    /// <param name="changed">The run's changed records.</param>
    /// <param name="jobs">Each job's own record and the job as started, or null when its submit failed.</param>
    /// <returns>A task that completes when the records are written (or their failure is logged).</returns>
    public Task WriteRecordsAsync(string? runId, IReadOnlyList<StoredTaskRecord>? changed, IEnumerable<(StoredTaskRecord? Own, StartedTaskJob? Started)> jobs)
    {
        if (this.records is null)
        {
            return Task.CompletedTask;
        }

        var all = new List<StoredTaskRecord>(changed ?? []);
        foreach (var (own, started) in jobs)
        {
            if (own is not null && started is not null && TaskRecordJson.Deserialize(own.Json) is { } record)
            {
                record.JobId = started.Handle.JobId;
                record.Backend = started.Handle.Backend;
                record.JobEndedAt = started.SeenEndedAt;
                all.Add(own with { Json = TaskRecordJson.Serialize(record) });
            }
        }

        return this.records.WriteAsync(runId, all);
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

        return spec with { Conf = new Dictionary<string, string>(spec.Conf, StringComparer.Ordinal) { [StartTaskJob.TraceParentConf] = RunTrace.TraceParent(log) } };
    }
}
