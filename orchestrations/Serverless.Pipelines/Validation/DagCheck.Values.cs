using Serverless.Pipelines.Definitions;
using Serverless.Spark.Dialect;

namespace Serverless.Pipelines.Validation;

/// <summary>The checks of a task's <c>connection</c> and published <c>values</c>.</summary>
internal sealed partial class DagCheck
{
    private void CheckConnectionAndValues(DagTask task, string path)
    {
        if (task.Connection is { } connection)
        {
            if (!DagIdentifiers.IsValidDagId(connection))
            {
                Add(path + ".connection", $"connection name '{connection}' is invalid: it is an app setting key, use {DagIdentifiers.ConnectionNamePattern}");
            }
            else if (DagValidator.Backends.Contains(connection, StringComparer.Ordinal))
            {
                Add(path + ".connection", $"'{connection}' is a backend, not a connection: write 'backend: {connection}'");
            }
        }

        if (task.Values.Count == 0)
        {
            return;
        }

        if (task.Kind is DagTaskKind.Sensor or DagTaskKind.Branch || task.Expand is not null)
        {
            Add(path + ".values", "'values' applies to sql, pyspark and jar tasks that run once (not sensors, branches or tasks with 'expand')");
            return;
        }

        if (task.Values.Count > TaskValueLimits.MaxValues)
        {
            Add(path + ".values", $"a task publishes at most {TaskValueLimits.MaxValues} values ({nameof(TaskValueLimits)}.{nameof(TaskValueLimits.MaxValues)}); it has {task.Values.Count}");
        }

        var inputNames = task.Inputs.Select(i => i.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var output in task.Outputs.Where(o => inputNames.Contains(o.Name)))
        {
            Add(path + ".values", $"the value queries read the output '{output.Name}' and the input of the same name as one view; rename one");
        }

        foreach (var (name, query) in task.Values)
        {
            var valuePath = path + ".values." + name;
            if (!DagIdentifiers.IsValidName(name))
            {
                Add(valuePath, $"value name '{name}' is invalid: it becomes a SQL column and a template attribute, use {TaskValueLimits.NamePattern}");
            }

            if (query.Length > TaskValueLimits.MaxQueryLength)
            {
                Add(valuePath, $"the value query is longer than {TaskValueLimits.MaxQueryLength} characters ({nameof(TaskValueLimits)}.{nameof(TaskValueLimits.MaxQueryLength)})");
            }
            else if (!query.Contains("{%", StringComparison.Ordinal) && !query.Contains("{#", StringComparison.Ordinal))
            {
                foreach (var problem in SparkSqlDialect.Check(query))
                {
                    Add(valuePath, $"Spark SQL line {problem.Line}: {problem.Message}");
                }
            }
        }
    }

    /// <summary>Checks <c>tasks.TASK.values.NAME</c> against the values the upstream task declares.</summary>
    private string? TaskValueProblem(string upstreamId, string? valueName)
    {
        if (valueName is null || FindTask(upstreamId) is not { } upstream || upstream.Values.ContainsKey(valueName))
        {
            return null;
        }

        return upstream.Values.Count == 0
            ? $"task '{upstreamId}' publishes no values (give it 'values: {{ {valueName}: \"SELECT …\" }}')"
            : $"task '{upstreamId}' publishes no value '{valueName}' (it publishes: {string.Join(", ", upstream.Values.Keys)})";
    }
}
