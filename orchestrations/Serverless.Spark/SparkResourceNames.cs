namespace Serverless.Spark;

/// <summary>
/// Gets the names of the storage resources the Spark job layer uses. Fixed for the whole project so
/// infrastructure (role assignments, container creation) and code agree.
/// </summary>
public static class SparkResourceNames
{
    /// <summary>The default blob container for pipeline data and staged job outputs.</summary>
    public const string DataContainer = "data";

    /// <summary>The table holding Spark job records, including Livy idempotency key to batch mappings.</summary>
    public const string JobsTable = "SparkJobs";

    /// <summary>The blob container holding the uploaded <c>sql_runner.py</c> and per-job spec JSON for cluster backends.</summary>
    public const string ScriptsContainer = "spark-scripts";
}
