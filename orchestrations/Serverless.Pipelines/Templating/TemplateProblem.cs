using System.Globalization;

namespace Serverless.Pipelines.Templating;

/// <summary>One problem found in a template, located inside the template text.</summary>
/// <param name="Line">The 1-based line inside the template.</param>
/// <param name="Column">The 1-based column inside the template.</param>
/// <param name="Message">What is wrong, starting with its kind (<c>template error: …</c> or <c>unknown template reference …</c>).</param>
internal sealed record TemplateProblem(int Line, int Column, string Message)
{
    /// <summary>Formats the problem with its position: <c>message (template line 3, column 7)</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Message} (template line {Line}, column {Column})");
}
