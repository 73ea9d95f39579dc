using System.Globalization;
using Serverless.Pipelines.Templating.Evaluation;
using Serverless.Pipelines.Templating.Syntax;

namespace Serverless.Pipelines.Templating;

/// <summary>
/// Renders the template language of DAG files: a defined subset of Jinja with Airflow 2.x's names, so templates
/// Airflow users write (<c>{{ macros.ds_add(ds, -1) }}</c>, <c>{{ ds | replace('-', '') }}</c>,
/// <c>{% if params.full %}…{% endif %}</c>) render as Airflow renders them. Hand-written: no .NET library speaks
/// Jinja (Fluid and DotLiquid are Liquid, Scriban has its own syntax). The README's Templating section lists what
/// the subset has and lacks. Every template is checked when its DAG loads (<see cref="Validation.DagValidator"/>),
/// so rendering fails only when the run lacks a value.
/// </summary>
public static class TemplateRenderer
{
    /// <summary>The variables every task may use, besides <c>params</c>, <c>outputs</c>, <c>tasks</c>, <c>dag</c>, <c>task</c>, <c>macros</c>, <c>var</c>, <c>item</c> and <c>map_index</c>.</summary>
    public static readonly IReadOnlyList<string> BuiltInVariables = [.. TemplateGlobals.TextNames, .. TemplateGlobals.DateTimeNames];

    /// <summary>Renders a template.</summary>
    /// <param name="template">The template text.</param>
    /// <param name="context">The values.</param>
    /// <returns>The rendered text.</returns>
    /// <exception cref="TemplateException">The template is malformed, refers to a value the context lacks, or exceeds a bound of <see cref="TemplateLimits"/>; the message names the line and column inside the template.</exception>
    public static string Render(string template, TemplateContext context)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(context);
        if (!HasTags(template))
        {
            return template;
        }

        var problems = new List<TemplateProblem>();
        var nodes = Parse(template, problems);
        if (problems.Count > 0)
        {
            var first = problems[0];
            throw new TemplateException(first.Message, first.Line, first.Column);
        }

        return TemplateEvaluator.Render(nodes, context);
    }

    /// <summary>Formats a date-time as templates render it: ISO 8601 with the offset, <c>2024-01-01T00:00:00+00:00</c>.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The text.</returns>
    public static string FormatDateTime(DateTimeOffset value) => value.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    /// <summary>Checks a template before any run: every syntax problem, unknown filter, test, macro and name, and the references only the DAG can resolve.</summary>
    /// <param name="template">The template text.</param>
    /// <returns>The problems and references.</returns>
    internal static TemplateCheck Check(string template)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (!HasTags(template))
        {
            return new TemplateCheck([], []);
        }

        var problems = new List<TemplateProblem>();
        var nodes = Parse(template, problems);
        var references = TemplateChecker.Check(nodes, problems);
        return new TemplateCheck(problems.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList(), references);
    }

    private static bool HasTags(string template) =>
        template.Contains("{{", StringComparison.Ordinal) || template.Contains("{%", StringComparison.Ordinal) || template.Contains("{#", StringComparison.Ordinal);

    private static IReadOnlyList<TemplateNode> Parse(string template, List<TemplateProblem> problems)
    {
        if (template.Length > TemplateLimits.MaxTemplateLength)
        {
            problems.Add(new TemplateProblem(1, 1, $"template error: the template is longer than {TemplateLimits.MaxTemplateLength} characters"));
            return [];
        }

        return TemplateParser.Parse(TemplateLexer.Read(template, problems), problems);
    }
}
