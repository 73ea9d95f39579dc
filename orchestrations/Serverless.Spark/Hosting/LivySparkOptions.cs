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

    /// <summary>Gets or sets how many batches one page of <c>GET /batches</c> asks for during recovery. The default is 200.</summary>
    public int ListPageSize { get; set; } = 200;
}
