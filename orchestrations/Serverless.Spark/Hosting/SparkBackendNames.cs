namespace Serverless.Spark.Hosting;

/// <summary>Gets the backend names used in <c>Spark__Backend</c> and in job handles.</summary>
public static class SparkBackendNames
{
    /// <summary>The embedded DuckDB engine.</summary>
    public const string Local = "local";

    /// <summary>Apache Livy (self-hosted or HDInsight).</summary>
    public const string Livy = "livy";

    /// <summary>Azure Synapse Spark pools.</summary>
    public const string Synapse = "synapse";

    /// <summary>Azure Databricks Jobs API 2.1.</summary>
    public const string Databricks = "databricks";

    /// <summary>Gets every backend name.</summary>
    public static IReadOnlyList<string> All { get; } = [Local, Livy, Synapse, Databricks];
}
