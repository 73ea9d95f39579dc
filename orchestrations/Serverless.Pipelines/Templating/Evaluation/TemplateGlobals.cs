using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>The names a template can use without defining them, and their values for one task instance.</summary>
internal static class TemplateGlobals
{
    /// <summary>The names whose value is text.</summary>
    public static readonly IReadOnlyList<string> TextNames =
    [
        "ds", "ds_nodash", "ts", "ts_nodash", "ts_nodash_with_tz", "prev_ds", "prev_ds_nodash", "next_ds", "next_ds_nodash", "run_id", "dag_id", "task_id",
    ];

    /// <summary>The names whose value is a date-time.</summary>
    public static readonly IReadOnlyList<string> DateTimeNames = ["logical_date", "data_interval_start", "data_interval_end"];

    /// <summary>The names only the DAG can vouch for, which the validator checks: <c>params</c>, <c>outputs</c>, <c>tasks</c>, <c>item</c>, <c>map_index</c>.</summary>
    public static readonly IReadOnlyList<string> DagNames = ["params", "outputs", "tasks", "item", "map_index"];

    /// <summary>The objects: <c>dag</c>, <c>task</c>, <c>macros</c>, <c>var</c>, and the function <c>range</c>.</summary>
    public static readonly IReadOnlyList<string> ObjectNames = ["dag", "task", "macros", "var", "range"];

    /// <summary>Gets a global's value.</summary>
    /// <param name="name">The name.</param>
    /// <param name="context">The values of the task instance.</param>
    /// <returns>The value, or an <see cref="Undefined"/>.</returns>
    public static object? Resolve(string name, TemplateContext context)
    {
        static string Day(DateTimeOffset date, string format) => date.ToString(format, CultureInfo.InvariantCulture);
        const string Dashed = "yyyy-MM-dd";
        const string Plain = "yyyyMMdd";
        return name switch
        {
            "ds" => Day(context.LogicalDate, Dashed),
            "ds_nodash" => Day(context.LogicalDate, Plain),
            "ts" => TemplateRenderer.FormatDateTime(context.LogicalDate),
            "ts_nodash" => Day(context.LogicalDate, "yyyyMMdd'T'HHmmss"),
            "ts_nodash_with_tz" => TemplateRenderer.FormatDateTime(context.LogicalDate).Replace("-", string.Empty, StringComparison.Ordinal).Replace(":", string.Empty, StringComparison.Ordinal),
            "prev_ds" => context.PreviousLogicalDate is { } p ? Day(p, Dashed) : null,
            "prev_ds_nodash" => context.PreviousLogicalDate is { } p ? Day(p, Plain) : null,
            "next_ds" => context.NextLogicalDate is { } n ? Day(n, Dashed) : null,
            "next_ds_nodash" => context.NextLogicalDate is { } n ? Day(n, Plain) : null,
            "logical_date" => context.LogicalDate,
            "data_interval_start" => context.DataIntervalStart,
            "data_interval_end" => context.DataIntervalEnd,
            "run_id" => context.RunId,
            "dag_id" => context.DagId,
            "task_id" => context.TaskId ?? (object)new Undefined(name, "there is no task here"),
            "dag" => new Dictionary<string, object?>(StringComparer.Ordinal) { ["dag_id"] = context.DagId },
            "task" => context.TaskId is { } id ? new Dictionary<string, object?>(StringComparer.Ordinal) { ["task_id"] = id } : new Undefined(name, "there is no task here"),
            "params" => context.Params.ToDictionary(p => p.Key, p => TemplateValues.FromJson(p.Value), StringComparer.Ordinal),
            "outputs" => Nested(context.Outputs.Select(p => (p.Key, (object?)p.Value))),
            "tasks" => Nested(context.TaskValues.Select(p => (p.Key, TemplateValues.FromJson(p.Value))), "values"),
            "item" => context.Item is { } item ? TemplateValues.FromJson(item) : new Undefined(name, "it exists only in tasks with 'expand'"),
            "map_index" => context.MapIndex is { } index ? (long)index : new Undefined(name, "it exists only in tasks with 'expand'"),
            "macros" => AirflowMacros.Create(),
            "var" => new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["value"] = context.Variables.ToDictionary(p => p.Key, p => (object?)p.Value, StringComparer.Ordinal),
                ["json"] = JsonVariables(context.Variables),
            },
            "range" => new TemplateFunction("range", Range),
            _ => new Undefined(name),
        };
    }

    /// <summary>Turns <c>task.name</c> keys into <c>{ task: { name: value } }</c>, or <c>{ task: { group: { name: value } } }</c>.</summary>
    private static Dictionary<string, object?> Nested(IEnumerable<(string Key, object? Value)> entries, string? group = null)
    {
        var tasks = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            var dot = key.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0)
            {
                continue;
            }

            var entry = Child(tasks, key[..dot]);
            if (group is not null)
            {
                entry = Child(entry, group);
            }

            entry[key[(dot + 1)..]] = value;
        }

        return tasks;
    }

    private static Dictionary<string, object?> Child(Dictionary<string, object?> parent, string key)
    {
        if (parent.TryGetValue(key, out var found) && found is Dictionary<string, object?> child)
        {
            return child;
        }

        child = new Dictionary<string, object?>(StringComparer.Ordinal);
        parent[key] = child;
        return child;
    }

    private static Dictionary<string, object?> JsonVariables(IReadOnlyDictionary<string, string> variables)
    {
        var parsed = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var (name, text) in variables)
        {
            try
            {
                parsed[name] = TemplateValues.FromJson(JsonNode.Parse(text));
            }
            catch (JsonException)
            {
                parsed[name] = new Undefined("var.json." + name, "the variable is not JSON");
            }
        }

        return parsed;
    }

    private static List<object?> Range(IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named)
    {
        if (named.Count > 0 || positional.Count is < 1 or > 3)
        {
            throw new InvalidOperationException("range takes 1 to 3 positional arguments: range(stop), range(start, stop[, step])");
        }

        var values = positional.Select(TemplateValues.AsLong).ToList();
        var (start, stop, step) = values.Count switch
        {
            1 => (0L, values[0], 1L),
            2 => (values[0], values[1], 1L),
            _ => (values[0], values[1], values[2]),
        };
        if (step == 0)
        {
            throw new InvalidOperationException("range's step must not be zero");
        }

        var result = new List<object?>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            if (result.Count >= TemplateLimits.MaxLoopIterations)
            {
                throw new InvalidOperationException($"range makes more than {TemplateLimits.MaxLoopIterations} items");
            }

            result.Add(i);
        }

        return result;
    }
}
