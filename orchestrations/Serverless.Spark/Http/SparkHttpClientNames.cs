namespace Serverless.Spark.Http;

/// <summary>Gets the names of the <see cref="System.Net.Http.IHttpClientFactory"/> clients of the cluster backends.</summary>
public static class SparkHttpClientNames
{
    /// <summary>The Livy client.</summary>
    public const string Livy = "Serverless.Spark.Livy";

    /// <summary>The Synapse client.</summary>
    public const string Synapse = "Serverless.Spark.Synapse";

    /// <summary>The Databricks client.</summary>
    public const string Databricks = "Serverless.Spark.Databricks";
}
