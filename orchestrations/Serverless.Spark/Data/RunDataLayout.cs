using System.Globalization;
using System.Text.RegularExpressions;

namespace Serverless.Spark.Data;

/// <summary>
/// The run-scoped layout of pipeline data: <c>{container}/{dag}/{runId}/{task}/{output}/</c>, one folder of part
/// files per task output, so runs never overwrite each other and a run's data can be removed with one prefix. Task
/// attempt logs live in the same run folder, under <c>_logs/</c> (a name no task id can take), so a purge with data
/// removes them too.
/// </summary>
public static partial class RunDataLayout
{
    /// <summary>The folder of attempt logs inside a run folder; it starts with '_', which no task id can.</summary>
    public const string LogFolderName = "_logs";

    /// <summary>Returns the folder of one task output.</summary>
    /// <param name="container">The data container (normally <see cref="SparkResourceNames.DataContainer"/>).</param>
    /// <param name="dag">The DAG id.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="task">The task id.</param>
    /// <param name="output">The output name.</param>
    /// <returns>The output folder.</returns>
    /// <exception cref="ArgumentException">A part is not a safe path segment.</exception>
    public static DataLocation OutputFolder(string container, string dag, string runId, string task, string output)
    {
        Check(dag, nameof(dag));
        Check(runId, nameof(runId));
        Check(task, nameof(task));
        Check(output, nameof(output));
        return DataLocation.Parse($"{container}/{dag}/{runId}/{task}/{output}/");
    }

    /// <summary>Returns the folder of one run (for clean-up).</summary>
    /// <param name="container">The data container.</param>
    /// <param name="dag">The DAG id.</param>
    /// <param name="runId">The run id.</param>
    /// <returns>The run folder.</returns>
    public static DataLocation RunFolder(string container, string dag, string runId)
    {
        Check(dag, nameof(dag));
        Check(runId, nameof(runId));
        return DataLocation.Parse($"{container}/{dag}/{runId}/");
    }

    /// <summary>Returns the blob of one task attempt's log: <c>{container}/{dag}/{runId}/_logs/{task}/[map_index={i}/]attempt-{n}.log</c>.</summary>
    /// <param name="container">The data container.</param>
    /// <param name="dag">The DAG id.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="task">The task id.</param>
    /// <param name="mapIndex">The map index of a mapped task instance, or <see langword="null"/>.</param>
    /// <param name="attempt">The attempt number, from 1.</param>
    /// <returns>The log blob.</returns>
    /// <exception cref="ArgumentException">A part is not a safe path segment.</exception>
    public static DataLocation AttemptLog(string container, string dag, string runId, string task, int? mapIndex, int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(mapIndex ?? 0, nameof(mapIndex));
        ArgumentOutOfRangeException.ThrowIfLessThan(attempt, 1);
        var instance = mapIndex is { } index ? string.Create(CultureInfo.InvariantCulture, $"map_index={index}/") : string.Empty;
        return TaskLogFolder(container, dag, runId, task).Combine(string.Create(CultureInfo.InvariantCulture, $"{instance}attempt-{attempt}.log"));
    }

    /// <summary>Returns the folder of one task's attempt logs (every map index and attempt).</summary>
    /// <param name="container">The data container.</param>
    /// <param name="dag">The DAG id.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="task">The task id.</param>
    /// <returns>The folder.</returns>
    public static DataLocation TaskLogFolder(string container, string dag, string runId, string task)
    {
        Check(dag, nameof(dag));
        Check(runId, nameof(runId));
        Check(task, nameof(task));
        return DataLocation.Parse($"{container}/{dag}/{runId}/{LogFolderName}/{task}/");
    }

    private static void Check(string value, string name)
    {
        if (value is null || !Segment().IsMatch(value) || value is "." or "..")
        {
            throw new ArgumentException($"'{value}' is not a valid {name}: use 1-200 letters, digits, '.', '_', '-' or '='.", name);
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._=-]{1,200}$")]
    private static partial Regex Segment();
}
