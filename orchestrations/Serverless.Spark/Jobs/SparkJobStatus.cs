namespace Serverless.Spark.Jobs;

/// <summary>The status of a job as a backend reports it. Never carries secrets.</summary>
/// <param name="JobId">The backend's job id.</param>
/// <param name="State">The state.</param>
/// <remarks>
/// Besides the mapped <see cref="State"/>, a cluster backend passes on what the cluster itself said — its raw state,
/// application id, links and timestamps — so a user can follow the job on the cluster without reading backend code.
/// Once a cluster job's state is final, backends store the whole status and return that copy from then on.
/// </remarks>
public sealed record SparkJobStatus(string JobId, SparkJobState State)
{
    /// <summary>Gets a human-readable message (the error of a failed job).</summary>
    public string? Message { get; init; }

    /// <summary>Gets the last lines of the job log.</summary>
    public IReadOnlyList<string> LogTail { get; init; } = [];

    /// <summary>Gets the metrics, for example <see cref="SparkJobMetrics.RowsWritten"/>.</summary>
    public IReadOnlyDictionary<string, long> Metrics { get; init; } = new Dictionary<string, long>();

    /// <summary>Gets the cluster's own words for the state, for example <c>dead</c> or <c>TERMINATED/USER_CANCELED</c>.</summary>
    public string? ClusterState { get; init; }

    /// <summary>Gets the cluster application id (YARN or Spark application id), when the cluster reports it.</summary>
    public string? AppId { get; init; }

    /// <summary>Gets the link to the driver log (Livy and Synapse <c>appInfo.driverLogUrl</c>).</summary>
    public Uri? DriverLogUrl { get; init; }

    /// <summary>Gets the link to the Spark UI (Livy and Synapse <c>appInfo.sparkUiUrl</c>).</summary>
    public Uri? SparkUiUrl { get; init; }

    /// <summary>Gets the link to the run page of the workspace (Databricks <c>run_page_url</c>).</summary>
    public Uri? RunPageUrl { get; init; }

    /// <summary>Gets the error the cluster reported for a failed job (Databricks <c>runs/get-output</c> <c>error</c>, Synapse <c>errorInfo</c>).</summary>
    public string? Error { get; init; }

    /// <summary>Gets the stack trace the cluster reported for a failed job (Databricks <c>error_trace</c>).</summary>
    public string? ErrorTrace { get; init; }

    /// <summary>
    /// Gets the times of state changes the cluster reported, keyed by the cluster's names (for example
    /// <c>schedulerInfo.submittedAt</c>, <c>livyInfo.runningAt</c>, <c>start_time</c>, <c>end_time</c>).
    /// </summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Timestamps { get; init; } = new Dictionary<string, DateTimeOffset>();

    /// <summary>Gets a value indicating whether the state is final (succeeded, failed, cancelled or lost).</summary>
    public bool IsTerminal => this.State is SparkJobState.Succeeded or SparkJobState.Failed or SparkJobState.Cancelled or SparkJobState.Lost;

    /// <summary>Gets the rows written to all outputs, when the backend reports it.</summary>
    public long? RowsWritten => this.Metrics.TryGetValue(SparkJobMetrics.RowsWritten, out long rows) ? rows : null;
}
