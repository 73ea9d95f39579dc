using System.Globalization;
using Serverless.Spark.Data;

namespace Serverless.Pipelines.Definitions;

/// <summary>Computes where a run writes a task output when the output names no path.</summary>
public static class OutputLocation
{
    /// <summary>
    /// Gets the folder of an output: <c>{container}/{dag}/{runId}/{task}/{output}/</c> (the Spark layer's
    /// <see cref="RunDataLayout"/>), and for instance <c>i</c> of a mapped task
    /// <c>…/{output}/map_index={i}/</c> — Hive-style, so a downstream input that reads the output folder reads every
    /// instance (Spark and DuckDB both understand it) and the instances never overwrite each other.
    /// </summary>
    /// <param name="dataContainer">The data container (setting <c>Spark__DataContainer</c>, default <c>data</c>).</param>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="outputName">The output name.</param>
    /// <param name="mapIndex">The map index of a mapped task instance, or <see langword="null"/>.</param>
    /// <returns>The folder.</returns>
    public static DataLocation DefaultFolder(string dataContainer, string dagId, string runId, string taskId, string outputName, int? mapIndex = null)
    {
        var folder = RunDataLayout.OutputFolder(dataContainer, dagId, runId, taskId, outputName);
        return mapIndex is { } index ? folder.Combine(string.Create(CultureInfo.InvariantCulture, $"map_index={index}/")) : folder;
    }
}
