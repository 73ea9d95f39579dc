using System.Globalization;

namespace Serverless.Pipelines.Definitions;

/// <summary>Computes where a run writes a task output when the output names no path.</summary>
public static class OutputLocation
{
    /// <summary>
    /// Gets the folder path, in the data container, of an output: <c>{dag}/{runId}/{task}/{output}/</c>, and for
    /// instance <c>i</c> of a mapped task <c>{dag}/{runId}/{task}/{output}/map_index={i}/</c> — Hive-style, so a
    /// downstream input that reads the output folder reads every instance (Spark and DuckDB both understand it).
    /// </summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="taskId">The task id.</param>
    /// <param name="outputName">The output name.</param>
    /// <param name="mapIndex">The map index of a mapped task instance, or <see langword="null"/>.</param>
    /// <returns>The folder path, ending in '/'.</returns>
    public static string DefaultPath(string dagId, string runId, string taskId, string outputName, int? mapIndex = null)
    {
        var path = string.Create(CultureInfo.InvariantCulture, $"{dagId}/{runId}/{taskId}/{outputName}/");
        return mapIndex is { } index ? string.Create(CultureInfo.InvariantCulture, $"{path}map_index={index}/") : path;
    }
}
