using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Validation;

/// <summary>
/// Checks a DAG and reports every problem at once: identifiers, schedule and time zone, parameters, task fields per
/// kind, dependencies and cycles, inputs and outputs, output location collisions, branches, mapping, and every
/// template reference. With a <see cref="DagSourceMap"/> each problem carries the file, line and column.
/// </summary>
public static class DagValidator
{
    /// <summary>The Spark backend names a task may ask for.</summary>
    public static readonly IReadOnlyList<string> Backends = ["local", "livy", "synapse", "databricks"];

    /// <summary>Validates a DAG.</summary>
    /// <param name="dag">The DAG.</param>
    /// <param name="sourceMap">Where its fields were written, or <see langword="null"/> for a DAG built in code.</param>
    /// <returns>Every problem; empty when the DAG is valid.</returns>
    public static IReadOnlyList<DagProblem> Validate(DagDefinition dag, DagSourceMap? sourceMap = null)
    {
        ArgumentNullException.ThrowIfNull(dag);
        var check = new DagCheck(dag, sourceMap ?? new DagSourceMap(null));
        check.Run();
        return check.Problems;
    }

    /// <summary>
    /// Checks the parameters supplied when a run is triggered against the declared ones: unknown names, wrong types,
    /// and required parameters that have neither a value nor a default.
    /// </summary>
    /// <param name="dag">The DAG.</param>
    /// <param name="supplied">The supplied values, or <see langword="null"/> for none.</param>
    /// <returns>Every problem; paths are <c>params.NAME</c>.</returns>
    public static IReadOnlyList<DagProblem> ValidateRunParams(DagDefinition dag, IReadOnlyDictionary<string, JsonNode?>? supplied)
    {
        ArgumentNullException.ThrowIfNull(dag);
        var problems = new List<DagProblem>();
        supplied ??= new Dictionary<string, JsonNode?>();
        foreach (var (name, value) in supplied)
        {
            if (dag.FindParam(name) is not { } declared)
            {
                problems.Add(new DagProblem(null, 0, 0, "params." + name, $"unknown parameter '{name}' (declared: {string.Join(", ", dag.Params.Select(p => p.Name))})"));
            }
            else if (TypeProblem(declared.Type, value) is { } problem)
            {
                problems.Add(new DagProblem(null, 0, 0, "params." + name, problem));
            }
        }

        foreach (var param in dag.Params.Where(p => p.Required && p.Default is null && !supplied.ContainsKey(p.Name)))
        {
            problems.Add(new DagProblem(null, 0, 0, "params." + param.Name, $"parameter '{param.Name}' is required"));
        }

        return problems;
    }

    /// <summary>Merges supplied parameters over the declared defaults, after <see cref="ValidateRunParams"/>.</summary>
    /// <param name="dag">The DAG.</param>
    /// <param name="supplied">The supplied values, or <see langword="null"/> for none.</param>
    /// <returns>A value (possibly <see langword="null"/>) for every declared parameter.</returns>
    /// <exception cref="DagValidationException">The supplied parameters have problems.</exception>
    public static IReadOnlyDictionary<string, JsonNode?> ResolveRunParams(DagDefinition dag, IReadOnlyDictionary<string, JsonNode?>? supplied)
    {
        var problems = ValidateRunParams(dag, supplied);
        if (problems.Count > 0)
        {
            throw new DagValidationException(problems);
        }

        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var param in dag.Params)
        {
            values[param.Name] = supplied is not null && supplied.TryGetValue(param.Name, out var value) ? value?.DeepClone() : param.Default?.DeepClone();
        }

        return values;
    }

    /// <summary>Says why a value does not have a parameter type, or <see langword="null"/> when it does.</summary>
    /// <param name="type">The declared type.</param>
    /// <param name="value">The value.</param>
    /// <returns>The problem, or <see langword="null"/>.</returns>
    internal static string? TypeProblem(DagParamType type, JsonNode? value)
    {
        var kind = value?.GetValueKind() ?? JsonValueKind.Null;
        var ok = type switch
        {
            DagParamType.String => kind == JsonValueKind.String,
            DagParamType.Integer => kind == JsonValueKind.Number && decimal.TryParse(value!.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && d == decimal.Truncate(d),
            DagParamType.Number => kind == JsonValueKind.Number,
            DagParamType.Boolean => kind is JsonValueKind.True or JsonValueKind.False,
            DagParamType.Array => kind == JsonValueKind.Array,
            DagParamType.Object => kind == JsonValueKind.Object,
            DagParamType.Date => kind == JsonValueKind.String && DateOnly.TryParseExact(value!.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            _ => false,
        };
        if (ok)
        {
            return null;
        }

        var shown = value is null ? "null" : value.ToJsonString();
        if (shown.Length > 60)
        {
            shown = shown[..57] + "...";
        }

        return $"{shown} is not of type {WireNames.Of(type)}" + (type == DagParamType.Date ? " (yyyy-MM-dd)" : string.Empty);
    }
}
