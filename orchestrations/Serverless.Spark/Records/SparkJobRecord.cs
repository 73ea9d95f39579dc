using Azure;
using Azure.Data.Tables;

namespace Serverless.Spark.Records;

/// <summary>
/// One row of the <c>SparkJobs</c> table: PartitionKey = backend, RowKey = idempotency key. Holds ids, states and
/// metrics only; never specs with secrets, tokens or passwords.
/// </summary>
internal sealed class SparkJobRecord : ITableEntity
{
    /// <inheritdoc/>
    public string PartitionKey { get; set; } = string.Empty;

    /// <inheritdoc/>
    public string RowKey { get; set; } = string.Empty;

    /// <inheritdoc/>
    public DateTimeOffset? Timestamp { get; set; }

    /// <inheritdoc/>
    public ETag ETag { get; set; }

    /// <summary>Gets or sets the backend job id (empty while a cluster submit is in flight).</summary>
    public string JobId { get; set; } = string.Empty;

    /// <summary>Gets or sets the job name from the spec.</summary>
    public string JobName { get; set; } = string.Empty;

    /// <summary>Gets or sets the cluster batch name used to find a batch after a crash (Livy, Synapse).</summary>
    public string? BatchName { get; set; }

    /// <summary>Gets or sets the state (a <see cref="Jobs.SparkJobState"/> name), or <c>Submitting</c> before a cluster answered.</summary>
    public string State { get; set; } = string.Empty;

    /// <summary>Gets or sets the message of a finished job.</summary>
    public string? Message { get; set; }

    /// <summary>Gets or sets the host that runs a local job.</summary>
    public string? Owner { get; set; }

    /// <summary>Gets or sets the last heartbeat of a running local job.</summary>
    public DateTimeOffset? HeartbeatAt { get; set; }

    /// <summary>Gets or sets when the job was submitted.</summary>
    public DateTimeOffset? SubmittedAt { get; set; }

    /// <summary>Gets or sets when the job finished.</summary>
    public DateTimeOffset? CompletedAt { get; set; }

    /// <summary>Gets or sets a value indicating whether a cancel was requested (seen by the owner on its heartbeat).</summary>
    public bool CancelRequested { get; set; }

    /// <summary>Gets or sets the metrics as JSON.</summary>
    public string? MetricsJson { get; set; }

    /// <summary>Gets or sets the last log lines as JSON.</summary>
    public string? LogTailJson { get; set; }

    /// <summary>
    /// Gets or sets the final status of a cluster job as JSON (a <see cref="Jobs.SparkJobStatus"/>), written the first
    /// time a final state is seen and never replaced, so later reads cannot downgrade it.
    /// </summary>
    public string? FinalStatusJson { get; set; }
}
