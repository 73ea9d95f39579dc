using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Pipelines.Templating;

/// <summary>
/// Renders the small template language of DAG files: <c>{{ name }}</c> or <c>{{ a.b.c }}</c>, whitespace inside the
/// braces optional. Variables only — no filters, expressions or control flow; hand-written because no Jinja
/// implementation is available and variables are all DAGs need. Every reference is checked when a DAG loads
/// (<see cref="Validation.DagValidator"/>), so rendering fails only when the context lacks a value.
/// </summary>
public static class TemplateRenderer
{
    /// <summary>The variables every task may use, besides <c>params.NAME</c>, <c>outputs.TASK.OUTPUT</c>, <c>item</c> and <c>map_index</c>.</summary>
    public static readonly IReadOnlyList<string> BuiltInVariables =
    [
        "ds", "ds_nodash", "ts", "ts_nodash", "logical_date", "data_interval_start", "data_interval_end", "run_id", "dag_id", "task_id",
    ];

    /// <summary>Renders a template.</summary>
    /// <param name="template">The template text.</param>
    /// <param name="context">The values.</param>
    /// <returns>The rendered text.</returns>
    /// <exception cref="TemplateException">The template is malformed or refers to a value the context lacks.</exception>
    public static string Render(string template, TemplateContext context)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(context);
        if (!template.Contains("{{", StringComparison.Ordinal))
        {
            return template;
        }

        var text = new StringBuilder(template.Length + 32);
        var position = 0;
        while (true)
        {
            var open = template.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                text.Append(template, position, template.Length - position);
                return text.ToString();
            }

            text.Append(template, position, open - position);
            var (reference, next, error) = ReadExpression(template, open);
            if (reference is null)
            {
                throw new TemplateException(error!);
            }

            text.Append(Resolve(reference, context));
            position = next;
        }
    }

    /// <summary>Gets whether a template's references are all known, for checking before a run.</summary>
    /// <param name="template">The template text.</param>
    /// <param name="references">The references found.</param>
    /// <param name="error">A syntax error, or <see langword="null"/>.</param>
    /// <returns><see langword="true"/> when the syntax is valid.</returns>
    internal static bool TryParse(string template, out IReadOnlyList<TemplateReference> references, out string? error)
    {
        var found = new List<TemplateReference>();
        references = found;
        error = null;
        var position = 0;
        while (true)
        {
            var open = template.IndexOf("{{", position, StringComparison.Ordinal);
            if (open < 0)
            {
                return true;
            }

            var (reference, next, problem) = ReadExpression(template, open);
            if (reference is null)
            {
                error = problem;
                return false;
            }

            found.Add(reference);
            position = next;
        }
    }

    /// <summary>Formats a date-time as templates render it: ISO 8601 with the offset, <c>2024-01-01T00:00:00+00:00</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string FormatDateTime(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    private static (TemplateReference? Reference, int Next, string? Error) ReadExpression(string template, int open)
    {
        var close = template.IndexOf("}}", open + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            return (null, 0, $"'{{{{' at offset {open} is not closed with '}}}}'");
        }

        var expression = template[(open + 2)..close].Trim();
        var segments = expression.Split('.');
        if (expression.Length == 0 || segments.Any(s => s.Length == 0 || !s.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
        {
            return (null, 0, $"'{{{{ {expression} }}}}' is not a variable name or a dotted path");
        }

        return (new TemplateReference(expression, segments), close + 2, null);
    }

    private static string Resolve(TemplateReference reference, TemplateContext context)
    {
        var s = reference.Segments;
        switch (s[0])
        {
            case "ds" when s.Count == 1:
                return context.LogicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            case "ds_nodash" when s.Count == 1:
                return context.LogicalDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
            case "ts" or "logical_date" when s.Count == 1:
                return FormatDateTime(context.LogicalDate);
            case "ts_nodash" when s.Count == 1:
                return context.LogicalDate.ToString("yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture);
            case "data_interval_start" when s.Count == 1:
                return FormatDateTime(context.DataIntervalStart);
            case "data_interval_end" when s.Count == 1:
                return FormatDateTime(context.DataIntervalEnd);
            case "run_id" when s.Count == 1:
                return context.RunId;
            case "dag_id" when s.Count == 1:
                return context.DagId;
            case "task_id" when s.Count == 1 && context.TaskId is not null:
                return context.TaskId;
            case "map_index" when s.Count == 1 && context.MapIndex is not null:
                return context.MapIndex.Value.ToString(CultureInfo.InvariantCulture);
            case "params" when s.Count == 2 && context.Params.TryGetValue(s[1], out var value):
                return FormatValue(value);
            case "outputs" when s.Count == 3 && context.Outputs.TryGetValue(s[1] + "." + s[2], out var location):
                return location;
            case "item" when s.Count == 1 && context.Item is not null:
                return FormatValue(context.Item);
            case "item" when s.Count == 2 && context.Item is JsonObject row && row.TryGetPropertyValue(s[1], out var column):
                return FormatValue(column);
            default:
                throw new TemplateException($"'{{{{ {reference.Expression} }}}}' has no value in this run");
        }
    }

    private static string FormatValue(JsonNode? value) => value switch
    {
        null => string.Empty,
        JsonValue scalar when scalar.GetValueKind() == JsonValueKind.String => scalar.GetValue<string>(),
        _ => value.ToJsonString(),
    };
}
