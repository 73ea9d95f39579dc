using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.DurableTask;
using Serverless.Spark.Diagnostics;

namespace Serverless.Pipelines.Diagnostics;

/// <summary>
/// The trace source and meter of the DAG layer, both named <c>Serverless.Pipelines</c>: a span per run and per task
/// attempt, counters of runs started and finished, a histogram of task attempt durations; and the replay-safe log
/// lines of the same events.
/// </summary>
/// <remarks>
/// Called from orchestrator code, so everything happens only when the orchestrator is not replaying, and spans take
/// their times from the orchestration's clock (<see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>) and their
/// ids from <see cref="RunTrace"/>: a replay emits nothing twice, and a span emitted on one host joins the job spans
/// other hosts emitted.
/// </remarks>
public static class PipelineTelemetry
{
    /// <summary>The name of the activity source and meter.</summary>
    public const string Name = "Serverless.Pipelines";

    /// <summary>Gets the activity source (run and task attempt spans).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    /// <summary>Gets the counter of runs started (tag <c>dag</c>).</summary>
    public static Counter<long> RunsStarted { get; } = Meter.CreateCounter<long>("pipelines.runs_started", "{run}", "DAG runs that started executing.");

    /// <summary>Gets the counter of runs finished (tags <c>dag</c>, <c>state</c>).</summary>
    public static Counter<long> RunsFinished { get; } = Meter.CreateCounter<long>("pipelines.runs_finished", "{run}", "DAG runs that finished, by state.");

    /// <summary>Gets the histogram of task attempt durations (tags <c>dag</c>, <c>task</c>, <c>state</c>).</summary>
    public static Histogram<double> TaskDuration { get; } = Meter.CreateHistogram<double>("pipelines.task_duration", "s", "Duration of task attempts, from start to end as the run saw them.");

    /// <summary>
    /// Gets the hop latency histogram (ms): from the moment the run saw the last of a task's upstream tasks finished to
    /// the moment it holds the task's submitted job (the DAG-scale definition: job seen finished to downstream job
    /// submitted). Measured on the orchestration clock, so it includes the submit activity's round trip; a job that
    /// fast-job chaining submitted from its upstream's activity records 0 with <c>path=chained</c>.
    /// </summary>
    public static Histogram<double> HopLatency { get; } = Meter.CreateHistogram<double>("pipelines.hop_latency", "ms", "From a task's upstream seen finished to its job submitted.");

    /// <summary>
    /// Gets the work-item age histogram (ms): from the run scheduling a job-submit activity (orchestration time) to a
    /// worker starting it — the time the work item waited in its queue plus dispatch.
    /// </summary>
    public static Histogram<double> WorkItemAge { get; } = Meter.CreateHistogram<double>("pipelines.work_item_age", "ms", "From an activity scheduled by the run to a worker starting it.");

    /// <summary>Records a work item's age as an activity starts (see <see cref="WorkItemAge"/>).</summary>
    /// <param name="activity">The activity name.</param>
    /// <param name="dagId">The DAG id, when known.</param>
    /// <param name="scheduledAt">When the run scheduled it; <see langword="null"/> from runs older than this field.</param>
    public static void WorkItemPickedUp(string activity, string? dagId, DateTime? scheduledAt)
    {
        if (scheduledAt is not { } scheduled)
        {
            return;
        }

        WorkItemAge.Record(Math.Max(0, (DateTime.UtcNow - scheduled).TotalMilliseconds), new("activity", activity), new("dag", dagId));
    }

    /// <summary>Records that a run started executing.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="runId">The run id.</param>
    public static void RunStarted(TaskOrchestrationContext context, string dagId, string runId)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.IsReplaying)
        {
            return;
        }

        RunsStarted.Add(1, new KeyValuePair<string, object?>("dag", dagId));
        var logger = context.CreateReplaySafeLogger(typeof(PipelineTelemetry).FullName!);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RunId"] = runId, ["DagId"] = dagId });
        PipelineLogs.RunStarted(logger, runId, dagId);
    }

    /// <summary>Records a task's hop latency (see <see cref="HopLatency"/>) once its first attempt's job is submitted.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="upstreamSeenEnded">When the run saw the last upstream task end; <see langword="null"/> for a task with no upstream (no hop).</param>
    /// <param name="chained">Whether the job was submitted by its upstream's activity (fast-job chaining).</param>
    public static void JobSubmitted(TaskOrchestrationContext context, string dagId, string taskId, DateTime? upstreamSeenEnded, bool chained)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.IsReplaying || upstreamSeenEnded is not { } seen)
        {
            return;
        }

        var hop = chained ? 0 : Math.Max(0, (context.CurrentUtcDateTime - seen).TotalMilliseconds);
        HopLatency.Record(hop, new("dag", dagId), new("task", taskId), new("path", chained ? "chained" : "activity"));
    }

    /// <summary>Records a finished task attempt: its span under the run's span, its duration, a log line.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="target">The attempt.</param>
    /// <param name="start">When the attempt started (orchestration time).</param>
    /// <param name="state">How it ended (<c>success</c>, <c>failed</c>, <c>cancelled</c>).</param>
    /// <param name="jobId">The job id, when a job was submitted.</param>
    public static void TaskAttemptEnded(TaskOrchestrationContext context, TaskAttemptLogTarget target, DateTime start, string state, string? jobId)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(target);
        if (context.IsReplaying)
        {
            return;
        }

        var end = context.CurrentUtcDateTime;
        var tags = RunTrace.Tags(target);
        tags.Add(new("serverless.state", state));
        if (jobId is not null)
        {
            tags.Add(new("serverless.job_id", jobId));
        }

        RunTrace.Record(ActivitySource, "task " + target.TaskId, RunTrace.TaskAttemptContext(target), RunTrace.RunContext(target.RunId), start, end, state != "success", tags);
        TaskDuration.Record((end - start).TotalSeconds, new("dag", target.DagId), new("task", target.TaskId), new("state", state));
        var logger = context.CreateReplaySafeLogger(typeof(PipelineTelemetry).FullName!);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RunId"] = target.RunId, ["DagId"] = target.DagId, ["TaskId"] = target.TaskId, ["MapIndex"] = target.MapIndex, ["Attempt"] = target.Attempt });
        PipelineLogs.TaskAttemptEnded(logger, target.TaskId, target.Attempt, target.RunId, state, (long)(end - start).TotalMilliseconds);
    }

    /// <summary>Records a finished run: its root span, the finished counter, a log line.</summary>
    /// <param name="context">The orchestration context.</param>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="start">When the run started executing (orchestration time).</param>
    /// <param name="state">The run's final state.</param>
    public static void RunEnded(TaskOrchestrationContext context, string dagId, string runId, DateTime start, string state)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.IsReplaying)
        {
            return;
        }

        var end = context.CurrentUtcDateTime;
        var tags = new List<KeyValuePair<string, object?>> { new("serverless.run_id", runId), new("serverless.dag_id", dagId), new("serverless.state", state) };
        RunTrace.Record(ActivitySource, "run " + dagId, RunTrace.RunContext(runId), default, start, end, state != "success", tags);
        RunsFinished.Add(1, new("dag", dagId), new("state", state));
        var logger = context.CreateReplaySafeLogger(typeof(PipelineTelemetry).FullName!);
        using var scope = logger.BeginScope(new Dictionary<string, object?> { ["RunId"] = runId, ["DagId"] = dagId });
        PipelineLogs.RunEnded(logger, runId, dagId, state, (long)(end - start).TotalMilliseconds);
    }
}
