namespace Serverless.Pipelines.Templating;

/// <summary>
/// Masks secret values in rendered text before it is shown or stored (attempt logs, manifest, status, CLI output),
/// as Airflow's secrets masker does: every occurrence of a secret variable's value becomes <c>***</c>.
/// </summary>
/// <remarks>
/// Masking matches the value as rendered: a template that transforms a secret (<c>| upper</c>, <c>| replace</c>) or
/// splits it is not masked, as in Airflow. The text sent to the backend is never masked, only copies for display.
/// </remarks>
public static class TemplateSecretMask
{
    /// <summary>The text that replaces a secret.</summary>
    public const string Mask = "***";

    /// <summary>Gets the values of a context's secret variables.</summary>
    /// <param name="context">The context.</param>
    /// <returns>The non-empty secret values.</returns>
    public static IReadOnlySet<string> SecretValues(TemplateContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.SecretVariables
            .Select(name => context.Variables.TryGetValue(name, out var value) ? value : null)
            .OfType<string>()
            .Where(value => value.Length > 0)
            .ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>Replaces every secret value of a context in a text by <c>***</c>.</summary>
    /// <param name="text">The rendered text.</param>
    /// <param name="context">The context it was rendered with.</param>
    /// <returns>The masked text.</returns>
    public static string Apply(string text, TemplateContext context) => Apply(text, SecretValues(context));

    /// <summary>Replaces every occurrence of the secrets in a text by <c>***</c>.</summary>
    /// <param name="text">The text.</param>
    /// <param name="secrets">The secret values.</param>
    /// <returns>The masked text.</returns>
    public static string Apply(string text, IEnumerable<string> secrets)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(secrets);

        // Longest first, so a secret that contains another is masked whole rather than leaving its remainder.
        foreach (var secret in secrets.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
