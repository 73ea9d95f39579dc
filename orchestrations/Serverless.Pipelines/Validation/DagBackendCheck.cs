using Serverless.Pipelines.Definitions;
using Serverless.Spark.Hosting;

namespace Serverless.Pipelines.Validation;

/// <summary>
/// Warns of tasks the configured Spark backend cannot run here: the local backend runs <c>sql</c> in DuckDB but
/// <c>pyspark</c> and <c>jar</c> only through a Spark install (<c>SPARK_HOME</c>). Such a DAG is valid — it runs on a
/// cluster backend — so these are warnings, reported before a run fails on them.
/// </summary>
public static class DagBackendCheck
{
    /// <summary>Gets a warning for every task whose kind its effective backend cannot run with these settings.</summary>
    /// <param name="dag">The DAG.</param>
    /// <param name="fileName">The file the DAG came from, named on each warning.</param>
    /// <param name="spark">The Spark settings (app default backend, the local backend's Spark install).</param>
    /// <returns>The warnings, in task order.</returns>
    public static IReadOnlyList<DagProblem> Warnings(DagDefinition dag, string? fileName, SparkOptions spark)
    {
        ArgumentNullException.ThrowIfNull(dag);
        ArgumentNullException.ThrowIfNull(spark);
        var warnings = new List<DagProblem>();
        for (var i = 0; i < dag.Tasks.Count; i++)
        {
            var task = dag.Tasks[i];
            if (task.Kind is not (DagTaskKind.PySpark or DagTaskKind.Jar))
            {
                continue;
            }

            var backend = dag.SettingsFor(task).Backend ?? spark.Backend;
            if (string.Equals(backend, SparkBackendNames.Local, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(spark.Local.SparkHome))
            {
                warnings.Add(new DagProblem(
                    fileName,
                    0,
                    0,
                    $"tasks[{i}].kind",
                    $"task '{task.Id}' is a {WireNames.Of(task.Kind)} task, which the local backend runs only with a Spark install: set SPARK_HOME (or Spark__Local__SparkHome), or give the task a cluster backend; as configured it fails when it runs"));
            }
        }

        return warnings;
    }
}
