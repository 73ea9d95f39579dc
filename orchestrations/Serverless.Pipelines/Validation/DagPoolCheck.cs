using System.Globalization;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Pools;

namespace Serverless.Pipelines.Validation;

/// <summary>
/// The checks of a DAG's pools against the pools this host is configured with (<c>Serverless__Pools__NAME__Slots</c>):
/// every task's pool exists, and its <c>poolSlots</c> fit in it. They need the settings, so they run where a DAG is
/// loaded for this host (the catalog, the validate endpoint), after the file's own checks.
/// </summary>
public static class DagPoolCheck
{
    /// <summary>Adds the pool problems of a loaded DAG to its problems, each at the line of the field that causes it.</summary>
    /// <param name="result">The load result.</param>
    /// <param name="pools">The configured pools by name.</param>
    /// <returns>The result with the pool problems added (the same result when there are none).</returns>
    public static DagLoadResult Apply(DagLoadResult result, IReadOnlyDictionary<string, PoolOptions> pools)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(pools);
        if (result.Dag is not { } dag)
        {
            return result;
        }

        var map = result.SourceMap ?? new DagSourceMap(null);
        var problems = new List<DagProblem>();
        for (var i = 0; i < dag.Tasks.Count; i++)
        {
            var task = dag.Tasks[i];
            var settings = dag.SettingsFor(task);
            if (settings.PoolSlots < 1 || PoolLimits.Problem(pools, settings.Pool, settings.PoolSlots) is not { } message)
            {
                continue;
            }

            // Point at the field that decides it: the task's own, else the DAG default.
            var path = string.Create(CultureInfo.InvariantCulture, $"tasks[{i}]");
            var field = message.StartsWith("poolSlots", StringComparison.Ordinal) ? "poolSlots" : "pool";
            var at = (field == "pool" ? task.Pool : task.PoolSlots?.ToString(CultureInfo.InvariantCulture)) is not null ? path + "." + field : "defaults." + field;
            problems.Add(map.Problem(at, $"task '{task.Id}': {message}") with { File = result.FileName });
        }

        return problems.Count == 0 ? result : result with { Problems = [.. result.Problems, .. problems.DistinctBy(p => (p.Path, p.Message))] };
    }
}
