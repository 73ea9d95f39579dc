namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// The template variables one run renders with, as <see cref="ReadTemplateVariables"/> returns them into the
/// orchestration history: the values of the public variables, and only the names of the secret ones.
/// </summary>
public sealed record TemplateVariableSet
{
    /// <summary>Gets the public variables by name.</summary>
    public Dictionary<string, string> Values { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Gets the names of the secret variables; their values never enter the orchestration.</summary>
    public List<string> Secrets { get; init; } = [];
}
