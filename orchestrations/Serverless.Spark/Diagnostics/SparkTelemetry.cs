using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Serverless.Spark.Diagnostics;

/// <summary>Gets the trace source and meter of the Spark job layer, both named <c>Serverless.Spark</c>.</summary>
public static class SparkTelemetry
{
    /// <summary>The name of the activity source and meter.</summary>
    public const string Name = "Serverless.Spark";

    /// <summary>Gets the activity source (a span per job submit and per local job run).</summary>
    public static ActivitySource ActivitySource { get; } = new(Name);

    /// <summary>Gets the meter.</summary>
    public static Meter Meter { get; } = new(Name);

    /// <summary>Gets the counter of rows written by jobs (tag <c>backend</c>).</summary>
    public static Counter<long> RowsWritten { get; } = Meter.CreateCounter<long>("spark.rows_written", "{row}", "Rows written to job outputs.");

    /// <summary>Gets the counter of submitted jobs (tag <c>backend</c>).</summary>
    public static Counter<long> JobsSubmitted { get; } = Meter.CreateCounter<long>("spark.jobs_submitted", "{job}", "Jobs submitted (new, not idempotent repeats).");

    /// <summary>Gets the counter of finished jobs (tags <c>backend</c>, <c>state</c>).</summary>
    public static Counter<long> JobsCompleted { get; } = Meter.CreateCounter<long>("spark.jobs_completed", "{job}", "Jobs that reached a terminal state.");

    /// <summary>Gets the counter of staged inputs served from the cache.</summary>
    public static Counter<long> StagedCacheHits { get; } = Meter.CreateCounter<long>("spark.staged_cache_hits", "{blob}", "Input blobs served from the staged-input cache.");

    /// <summary>Gets the counter of the job watcher's status reads (tag <c>backend</c>); divided by <see cref="JobsWatched"/>, the requests the watcher costs a cluster per job.</summary>
    public static Counter<long> WatchPolls { get; } = Meter.CreateCounter<long>("spark.watch_polls", "{request}", "Status reads by the host's job watcher.");

    /// <summary>Gets the counter of jobs handed to the job watcher (tag <c>backend</c>).</summary>
    public static Counter<long> JobsWatched { get; } = Meter.CreateCounter<long>("spark.jobs_watched", "{job}", "Jobs handed to the host's job watcher.");
}
