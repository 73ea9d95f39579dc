using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;

namespace Serverless.Spark.Diagnostics;

/// <summary>
/// The ids of a DAG run's trace, computed from the run id, task id, map index and attempt: one trace per run, a span
/// id per run and per task attempt. Any activity, on any host, in any replay, derives the same parent for the spans
/// it starts (a job submit, a status poll), so job spans land under their own task attempt even when another task's
/// activity submitted them (fast-job chaining), and no id has to be stored in the orchestration's history.
/// </summary>
/// <remarks>
/// <see cref="Activity"/> draws its own span id at start and has no public way to take a given one; the run and task
/// attempt spans set theirs through its private fields after the start, as DurableTask.Core and the Functions worker do
/// for the same reason (their <c>DiagnosticActivityExtensions</c>). When those fields are missing the spans keep the
/// drawn ids and only lose their links to the job spans.
/// </remarks>
public static class RunTrace
{
    private const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
    private static readonly FieldInfo? TraceIdField = typeof(Activity).GetField("_traceId", Private);
    private static readonly FieldInfo? SpanIdField = typeof(Activity).GetField("_spanId", Private);
    private static readonly FieldInfo? IdField = typeof(Activity).GetField("_id", Private);

    /// <summary>Gets the trace id of a run.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The trace id.</returns>
    public static ActivityTraceId TraceId(string runId) => ActivityTraceId.CreateFromBytes(Hash("trace", runId).AsSpan(0, 16));

    /// <summary>Gets the span id of a run's span.</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The span id.</returns>
    public static ActivitySpanId RunSpanId(string runId) => ActivitySpanId.CreateFromBytes(Hash("run", runId).AsSpan(0, 8));

    /// <summary>Gets the span id of a task attempt's span.</summary>
    /// <param name="target">The attempt.</param>
    /// <returns>The span id.</returns>
    public static ActivitySpanId TaskAttemptSpanId(TaskAttemptLogTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var key = string.Create(CultureInfo.InvariantCulture, $"{target.RunId}\n{target.TaskId}\n{target.MapIndex}\n{target.Attempt}");
        return ActivitySpanId.CreateFromBytes(Hash("task", key).AsSpan(0, 8));
    }

    /// <summary>Gets the context of a run's span (the parent of its task attempt spans).</summary>
    /// <param name="runId">The run id.</param>
    /// <returns>The context.</returns>
    public static ActivityContext RunContext(string runId) => new(TraceId(runId), RunSpanId(runId), ActivityTraceFlags.Recorded);

    /// <summary>Gets the context of a task attempt's span (the parent of its job spans).</summary>
    /// <param name="target">The attempt.</param>
    /// <returns>The context.</returns>
    public static ActivityContext TaskAttemptContext(TaskAttemptLogTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        return new(TraceId(target.RunId), TaskAttemptSpanId(target), ActivityTraceFlags.Recorded);
    }

    /// <summary>Gets the W3C <c>traceparent</c> of a task attempt, handed to its Spark job so a cluster's own tracing can join.</summary>
    /// <param name="target">The attempt.</param>
    /// <returns>The header value.</returns>
    public static string TraceParent(TaskAttemptLogTarget target)
    {
        var context = TaskAttemptContext(target);
        return $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-01";
    }

    /// <summary>Starts a span under a task attempt (a job submit, a status poll), or returns null when nobody listens.</summary>
    /// <param name="source">The activity source.</param>
    /// <param name="name">The span name.</param>
    /// <param name="target">The attempt, or null outside a run (then the span has the ambient parent).</param>
    /// <param name="jobId">The job id, when known.</param>
    /// <returns>The started span, or null.</returns>
    public static Activity? StartUnder(ActivitySource source, string name, TaskAttemptLogTarget? target, string? jobId = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        var activity = target is null
            ? source.StartActivity(name, ActivityKind.Client)
            : source.StartActivity(name, ActivityKind.Client, TaskAttemptContext(target), Tags(target));
        if (jobId is not null)
        {
            activity?.SetTag("serverless.job_id", jobId);
        }

        return activity;
    }

    /// <summary>
    /// Records a finished span with a given id and times (a run or a task attempt, known only once it has ended), and
    /// leaves <see cref="Activity.Current"/> as it was.
    /// </summary>
    /// <param name="source">The activity source.</param>
    /// <param name="name">The span name.</param>
    /// <param name="context">The span's own trace and span id.</param>
    /// <param name="parent">The parent span's context, or default for a root span.</param>
    /// <param name="start">The start time (UTC).</param>
    /// <param name="end">The end time (UTC).</param>
    /// <param name="failed">Whether the span ended in an error.</param>
    /// <param name="tags">The attributes.</param>
    public static void Record(ActivitySource source, string name, ActivityContext context, ActivityContext parent, DateTime start, DateTime end, bool failed, IEnumerable<KeyValuePair<string, object?>> tags)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!source.HasListeners())
        {
            return;
        }

        var previous = Activity.Current;
        try
        {
            // A root span must not pick up whatever span is current in the host (the worker's own).
            Activity.Current = null;
            using var activity = source.CreateActivity(name, ActivityKind.Internal, parent, tags, idFormat: ActivityIdFormat.W3C);
            if (activity is null)
            {
                return;
            }

            activity.SetStartTime(DateTime.SpecifyKind(start, DateTimeKind.Utc));
            activity.Start();
            TraceIdField?.SetValue(activity, context.TraceId.ToHexString());
            SpanIdField?.SetValue(activity, context.SpanId.ToHexString());
            IdField?.SetValue(activity, $"00-{context.TraceId.ToHexString()}-{context.SpanId.ToHexString()}-01");
            if (failed)
            {
                activity.SetStatus(ActivityStatusCode.Error);
            }

            activity.SetEndTime(DateTime.SpecifyKind(end, DateTimeKind.Utc));
            activity.Stop();
        }
        finally
        {
            Activity.Current = previous;
        }
    }

    /// <summary>Gets the attributes of a task attempt: run id, DAG id, task id, map index and attempt.</summary>
    /// <param name="target">The attempt.</param>
    /// <returns>The attributes.</returns>
    public static List<KeyValuePair<string, object?>> Tags(TaskAttemptLogTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var tags = new List<KeyValuePair<string, object?>>
        {
            new("serverless.run_id", target.RunId),
            new("serverless.dag_id", target.DagId),
            new("serverless.task_id", target.TaskId),
            new("serverless.attempt", target.Attempt),
        };
        if (target.MapIndex is { } index)
        {
            tags.Add(new("serverless.map_index", index));
        }

        return tags;
    }

    private static byte[] Hash(string kind, string value) => SHA256.HashData(Encoding.UTF8.GetBytes(kind + "\n" + value));
}
