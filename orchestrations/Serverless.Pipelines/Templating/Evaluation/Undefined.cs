namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>
/// A missing value, as Jinja's <c>StrictUndefined</c> (Airflow's default): <c>| default</c> and <c>is defined</c> may
/// look at it, anything else (printing, comparing, testing its truth, reading its attributes) is an error naming it.
/// </summary>
/// <param name="Name">What was missing, as written: <c>params.missing</c>.</param>
/// <param name="Reason">Why, when more is known than "no value" (for example "exists only in tasks with 'expand'").</param>
internal sealed record Undefined(string Name, string? Reason = null)
{
    /// <summary>Gets the error message for using the value.</summary>
    public string Message => $"'{{{{ {Name} }}}}' has no value in this run" + (Reason is null ? string.Empty : ": " + Reason);
}
