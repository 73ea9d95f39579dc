namespace Serverless.Spark.Backends.Livy;

/// <summary>
/// How one Livy-like service differs from the others: Apache Livy (self-hosted, HDInsight) or Synapse's Livy API.
/// </summary>
internal sealed record LivyDialect
{
    /// <summary>Gets the service name used in messages (<c>Livy</c>, <c>Synapse</c>).</summary>
    public required string Service { get; init; }

    /// <summary>Gets the query string of reads and submits (Synapse: <c>detailed=true</c>); never sent on DELETE, where no service defines it.</summary>
    public string? ReadQuery { get; init; }

    /// <summary>Gets the page size of <c>GET /batches</c> (Livy's default is 100; Synapse's maximum is 20).</summary>
    public int PageSize { get; init; } = 100;

    /// <summary>
    /// Gets whether batches carry the submitted name: Apache Livy from 0.6 (null: ask <c>GET /version</c>); Synapse
    /// always.
    /// </summary>
    public bool? NamesSupported { get; init; }

    /// <summary>Gets a value indicating whether a batch can be read by name (<c>GET /batches/{name}</c>, Apache Livy 0.6 and later).</summary>
    public bool ReadsByName { get; init; }

    /// <summary>Gets a value indicating whether the service keeps a cancelled batch (Synapse) or forgets it at once (Apache Livy).</summary>
    public bool KeepsCancelledBatches { get; init; }

    /// <summary>Gets how many lines of <c>GET /batches/{id}/log</c> a final status carries; 0 uses only the batch's own <c>log</c> field.</summary>
    public int LogTailLines { get; init; }

    /// <summary>Gets how often a submit Livy rejected as "too many sessions" (a 400 that created nothing) is tried again.</summary>
    public int RejectedSubmitRetries { get; init; } = 5;

    /// <summary>Gets the first wait before such a retry; it doubles with each retry.</summary>
    public TimeSpan RejectedSubmitRetryDelay { get; init; } = TimeSpan.FromSeconds(5);
}
