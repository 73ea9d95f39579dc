namespace Serverless.Spark.Hosting;

/// <summary>Gets the HTTP settings of cluster backends (<c>Spark:Http</c>).</summary>
public sealed class SparkHttpOptions
{
    /// <summary>Gets or sets the retries on 408, 429, 5xx and network errors. The default is 4.</summary>
    public int MaxRetries { get; set; } = 4;

    /// <summary>Gets or sets the base delay of exponential back-off with jitter (Retry-After wins when sent). The default is 1 second.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the timeout of one attempt. The default is 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the timeout of a call including retries. The default is 2 minutes.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
