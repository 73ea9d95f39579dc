namespace Serverless.Spark.Hosting;

/// <summary>Gets the settings of the Synapse backend (<c>Spark:Synapse</c>).</summary>
public sealed class SynapseSparkOptions
{
    /// <summary>Gets or sets the workspace development endpoint, <c>https://{workspace}.dev.azuresynapse.net</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Gets or sets the Spark pool name.</summary>
    public string? SparkPool { get; set; }

    /// <summary>Gets or sets the Livy API version in the path. The default is <c>2019-11-01-preview</c>.</summary>
    public string ApiVersion { get; set; } = "2019-11-01-preview";
}
