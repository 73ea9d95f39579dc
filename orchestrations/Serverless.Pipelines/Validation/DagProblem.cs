using System.Globalization;

namespace Serverless.Pipelines.Validation;

/// <summary>One problem with a DAG definition, located as precisely as the source allows.</summary>
/// <param name="File">The file (or blob) name, or <see langword="null"/> for a DAG built in code.</param>
/// <param name="Line">The 1-based line, or 0 when unknown.</param>
/// <param name="Column">The 1-based column, or 0 when unknown.</param>
/// <param name="Path">The path of the field in the model, such as <c>tasks[2].dependsOn[0]</c>.</param>
/// <param name="Message">What is wrong.</param>
public sealed record DagProblem(string? File, int Line, int Column, string Path, string Message)
{
    /// <summary>Formats the problem as <c>file:line:column: path: message</c>.</summary>
    /// <returns>The text.</returns>
    public override string ToString()
    {
        var location = Line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{File ?? "<dag>"}:{Line}:{Column}")
            : File ?? "<dag>";
        return Path.Length == 0 ? $"{location}: {Message}" : $"{location}: {Path}: {Message}";
    }
}
