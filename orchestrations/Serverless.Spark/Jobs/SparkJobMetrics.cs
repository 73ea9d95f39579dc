namespace Serverless.Spark.Jobs;

/// <summary>Gets the metric names found in <see cref="SparkJobStatus.Metrics"/>.</summary>
public static class SparkJobMetrics
{
    /// <summary>Rows written to all outputs.</summary>
    public const string RowsWritten = "rows_written";

    /// <summary>Bytes uploaded for all outputs.</summary>
    public const string BytesWritten = "bytes_written";

    /// <summary>Bytes of input blobs read.</summary>
    public const string BytesRead = "bytes_read";

    /// <summary>Input blobs served from the staged-input cache (same blob, same ETag) instead of downloaded.</summary>
    public const string StagedCacheHits = "staged_cache_hits";

    /// <summary>Input blobs downloaded.</summary>
    public const string StagedDownloads = "staged_downloads";

    /// <summary>Milliseconds from start of execution to the last output uploaded.</summary>
    public const string DurationMs = "duration_ms";
}
