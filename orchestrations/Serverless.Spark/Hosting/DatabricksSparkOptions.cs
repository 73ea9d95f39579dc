namespace Serverless.Spark.Hosting;

/// <summary>Gets the settings of the Databricks backend (<c>Spark:Databricks</c>).</summary>
public sealed class DatabricksSparkOptions
{
    /// <summary>The Entra ID resource of Azure Databricks, used when no personal access token is set.</summary>
    public const string EntraScope = "2ff814a6-3304-4ab8-85cb-cd0e6f879c1d/.default";

    /// <summary>Gets or sets the workspace URL, <c>https://adb-{id}.{n}.azuredatabricks.net</c>.</summary>
    public Uri? WorkspaceUrl { get; set; }

    /// <summary>Gets or sets a personal access token. A secret. When null, an Entra ID token is used.</summary>
    public string? Token { get; set; }

    /// <summary>Gets or sets an existing cluster to run on; when null a new cluster is described per run.</summary>
    public string? ExistingClusterId { get; set; }

    /// <summary>Gets or sets the runtime of new clusters. The default is <c>15.4.x-scala2.12</c>.</summary>
    public string SparkVersion { get; set; } = "15.4.x-scala2.12";

    /// <summary>Gets or sets the node type of new clusters. The default is <c>Standard_D4ds_v5</c>.</summary>
    public string NodeType { get; set; } = "Standard_D4ds_v5";

    /// <summary>Gets or sets the worker count of new clusters. The default is 2.</summary>
    public int Workers { get; set; } = 2;
}
