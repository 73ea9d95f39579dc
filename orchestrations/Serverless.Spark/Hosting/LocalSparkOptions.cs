namespace Serverless.Spark.Hosting;

/// <summary>Gets the settings of the local DuckDB backend (<c>Spark:Local</c>).</summary>
public sealed class LocalSparkOptions
{
    /// <summary>Gets or sets how many jobs run at once; further jobs wait as Pending. The default (0) is the core count.</summary>
    public int MaxConcurrentJobs { get; set; }

    /// <summary>Gets or sets DuckDB's <c>memory_limit</c> per job, for example <c>2GB</c>. The default is <c>2GB</c>.</summary>
    public string MemoryLimit { get; set; } = "2GB";

    /// <summary>Gets or sets the folder for staged inputs, outputs and DuckDB spill files. The default is <c>{temp}/serverless-spark</c>.</summary>
    public string? TempDirectory { get; set; }

    /// <summary>
    /// Gets or sets the size of the staged-input cache: input blobs are kept by URL and ETag, so a later job reading the
    /// same unchanged blob skips the download. The default is 1 GiB; 0 turns the cache off.
    /// </summary>
    public long StagedInputCacheBytes { get; set; } = 1L << 30;

    /// <summary>
    /// Gets or sets the stable name of this host. Only one process per name runs local jobs, so a job whose record
    /// names an earlier instance of this host died with it and is reported lost at once after a restart. The default
    /// is the machine name.
    /// </summary>
    public string? HostName { get; set; }

    /// <summary>Gets or sets how often a running job's record is refreshed. The default is 30 seconds.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets after how long without a heartbeat a job run by another (or a previous) host is reported as lost.
    /// The default is 2 minutes.
    /// </summary>
    public TimeSpan LostAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Gets or sets the Spark install for pyspark and jar jobs (spark-submit). The default is the <c>SPARK_HOME</c> variable.</summary>
    public string? SparkHome { get; set; } = Environment.GetEnvironmentVariable("SPARK_HOME");
}
