namespace Serverless.Spark.Hosting;

/// <summary>Gets the settings of the Livy backend (<c>Spark:Livy</c>): self-hosted Livy or HDInsight.</summary>
public sealed class LivySparkOptions
{
    /// <summary>Gets or sets the Livy endpoint, for example <c>https://{cluster}.azurehdinsight.net/livy</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the basic-auth user name (HDInsight cluster login); none when null.</summary>
    public string? UserName { get; set; }

    /// <summary>Gets or sets the basic-auth password. A secret: never logged or recorded.</summary>
    public string? Password { get; set; }

    /// <summary>Gets or sets the <c>X-Requested-By</c> header HDInsight requires on writes. The default is <c>serverless</c>.</summary>
    public string RequestedBy { get; set; } = "serverless";

    /// <summary>
    /// Gets or sets the Livy server version, for example <c>0.5.0</c> or <c>0.7.1-incubating</c>. Batches carry their name
    /// (which recovery after a lost submit answer relies on) from 0.6. The default (null) asks the server's
    /// <c>GET /version</c> once; when that fails the server is treated as older than 0.6.
    /// </summary>
    public string? ServerVersion { get; set; }

    /// <summary>Gets or sets how many lines of the batch log (<c>GET /batches/{id}/log</c>) a finished job's status carries. The default is 100.</summary>
    public int LogTailLines { get; set; } = 100;

    /// <summary>
    /// Gets or sets how often a submit Livy rejects with "too many sessions are being created" (a 400 that created nothing)
    /// is tried again. The default is 5.
    /// </summary>
    public int RejectedSubmitRetries { get; set; } = 5;

    /// <summary>Gets or sets the first wait before such a retry; it doubles with each retry. The default is 5 seconds.</summary>
    public TimeSpan RejectedSubmitRetryDelay { get; set; } = TimeSpan.FromSeconds(5);
}
