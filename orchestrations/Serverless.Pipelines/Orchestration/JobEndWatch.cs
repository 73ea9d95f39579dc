using Microsoft.DurableTask.Client;
using Serverless.Spark;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Tells a run the moment one of its jobs ends, by the event <see cref="DagRunEvents.JobEnded"/>: pushed by a backend
/// that knows (<see cref="SparkJobClient.WatchCompletion"/>), or seen by this host's <see cref="SparkJobWatcher"/>
/// for a backend that must be polled. Either way the run waits for the event and keeps a slow durable poll only as
/// the fallback for a watch lost in a restart.
/// </summary>
/// <remarks>
/// Nobody polls a job told this way, so its final status goes into the attempt log here. The event is raised at the
/// same time as that write, not after it: the event is the run's next hop, the log is for readers.
/// </remarks>
internal sealed class JobEndWatch
{
    private readonly SparkJobClient client;
    private readonly DurableTaskClient durable;
    private readonly SparkJobWatcher? watcher;
    private readonly TaskAttemptLog log;

    /// <summary>Initializes a new instance of the <see cref="JobEndWatch"/> class.</summary>
    /// <param name="client">The Spark job client.</param>
    /// <param name="durable">The durable client that raises the event.</param>
    /// <param name="watcher">This host's watcher for jobs that cannot be pushed, or <see langword="null"/>.</param>
    /// <param name="log">The attempt log writer.</param>
    public JobEndWatch(SparkJobClient client, DurableTaskClient durable, SparkJobWatcher? watcher, TaskAttemptLog log)
    {
        this.client = client;
        this.durable = durable;
        this.watcher = watcher;
        this.log = log;
    }

    /// <summary>Asks the job's backend to push its end to the run.</summary>
    /// <param name="runInstanceId">The orchestration that waits for the job.</param>
    /// <param name="handle">The job's handle.</param>
    /// <param name="target">The attempt log, or <see langword="null"/>.</param>
    /// <returns>True when the run will be told; then read the status once more, since the job may have ended before the watch began.</returns>
    public bool Push(string runInstanceId, SparkJobHandle handle, TaskAttemptLogTarget? target) =>
        this.client.WatchCompletion(handle, ended => this.TellAsync(runInstanceId, handle, target, ended));

    /// <summary>Hands a job whose end cannot be pushed to this host's watcher, which polls it and tells the run.</summary>
    /// <param name="runInstanceId">The orchestration that waits for the job.</param>
    /// <param name="handle">The job's handle.</param>
    /// <param name="target">The attempt log, or <see langword="null"/>.</param>
    /// <returns>True when the run will be told (unless the job outlives the watch or this process); false when there is no watcher or it is full: the run polls.</returns>
    public bool Poll(string runInstanceId, SparkJobHandle handle, TaskAttemptLogTarget? target) =>
        this.watcher is { } watching && watching.Watch(handle, ended => this.TellAsync(runInstanceId, handle, target, ended));

    private async Task TellAsync(string runInstanceId, SparkJobHandle handle, TaskAttemptLogTarget? target, SparkJobStatus ended)
    {
        var raised = this.durable.RaiseEventAsync(runInstanceId, DagRunEvents.JobEnded(handle.IdempotencyKey), ended with { LogTail = [] });
        var logged = target is null ? Task.CompletedTask : this.log.WriteStatusAsync(target, ended, CancellationToken.None);
        await Task.WhenAll(raised, logged).ConfigureAwait(false);
    }
}
