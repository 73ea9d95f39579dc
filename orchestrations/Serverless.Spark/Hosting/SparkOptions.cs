namespace Serverless.Spark.Hosting;

/// <summary>Gets the settings of the Spark job layer (configuration section <c>Spark</c>).</summary>
public sealed class SparkOptions
{
    /// <summary>The configuration section name.</summary>
    public const string SectionName = "Spark";

    /// <summary>Gets or sets the backend: <c>local</c>, <c>livy</c>, <c>synapse</c> or <c>databricks</c>. The default is <c>local</c>.</summary>
    public string Backend { get; set; } = SparkBackendNames.Local;

    /// <summary>Gets or sets the container job outputs must be written to. The default is <c>data</c>.</summary>
    public string DataContainer { get; set; } = SparkResourceNames.DataContainer;

    /// <summary>
    /// Gets or sets how cluster backends address blobs: a template with <c>{container}</c>, <c>{account}</c> and <c>{path}</c>.
    /// The default is <c>abfss://{container}@{account}.dfs.core.windows.net/{path}</c>.
    /// </summary>
    public string ClusterPathTemplate { get; set; } = "abfss://{container}@{account}.dfs.core.windows.net/{path}";

    /// <summary>Gets the local (DuckDB) backend settings.</summary>
    public LocalSparkOptions Local { get; } = new();

    /// <summary>Gets the Livy (self-hosted, HDInsight) backend settings.</summary>
    public LivySparkOptions Livy { get; } = new();

    /// <summary>Gets the Synapse backend settings.</summary>
    public SynapseSparkOptions Synapse { get; } = new();

    /// <summary>Gets the Databricks backend settings.</summary>
    public DatabricksSparkOptions Databricks { get; } = new();

    /// <summary>Gets the HTTP retry and timeout settings of cluster backends.</summary>
    public SparkHttpOptions Http { get; } = new();
}
