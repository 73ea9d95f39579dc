namespace Serverless.Spark.Jobs;

/// <summary>The status of a job as a backend reports it. Never carries secrets.</summary>
/// <param name="JobId">The backend's job id.</param>
/// <param name="State">The state.</param>
public sealed record SparkJobStatus(string JobId, SparkJobState State)
{
    /// <summary>Gets a human-readable message (the error of a failed job).</summary>
    public string? Message { get; init; }

    /// <summary>Gets the last lines of the job log.</summary>
    public IReadOnlyList<string> LogTail { get; init; } = [];

    /// <summary>Gets the metrics, for example <see cref="SparkJobMetrics.RowsWritten"/>.</summary>
    public IReadOnlyDictionary<string, long> Metrics { get; init; } = new Dictionary<string, long>();

    /// <summary>Gets a value indicating whether the state is final (succeeded, failed, cancelled or lost).</summary>
    public bool IsTerminal => this.State is SparkJobState.Succeeded or SparkJobState.Failed or SparkJobState.Cancelled or SparkJobState.Lost;

    /// <summary>Gets the rows written to all outputs, when the backend reports it.</summary>
    public long? RowsWritten => this.Metrics.TryGetValue(SparkJobMetrics.RowsWritten, out long rows) ? rows : null;
}
