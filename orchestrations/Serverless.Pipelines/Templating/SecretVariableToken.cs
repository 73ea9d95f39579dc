namespace Serverless.Pipelines.Templating;

/// <summary>
/// The stand-in a secret variable renders as inside the orchestration. Rendered templates travel through the
/// orchestration history, the custom status and the manifest; with the token in place of the value they hold no
/// secret, and the activity that submits the job replaces the token by the value just before the backend sees it.
/// </summary>
/// <remarks>
/// A template that transforms a secret (<c>| upper</c>, slicing) transforms the token instead and the job sees
/// neither: use secret variables as they are.
/// </remarks>
public static class SecretVariableToken
{
    private const string Prefix = "@@secret(";
    private const string Suffix = ")@@";

    /// <summary>Gets the token of a secret variable.</summary>
    /// <param name="name">The variable name.</param>
    /// <returns>The token, <c>@@secret(NAME)@@</c>.</returns>
    public static string For(string name) => Prefix + name + Suffix;

    /// <summary>Replaces every token in a text by its variable's value.</summary>
    /// <param name="text">The text, or <see langword="null"/>.</param>
    /// <param name="secrets">The secret variables by name.</param>
    /// <returns>The text with the values in place.</returns>
    public static string? Resolve(string? text, IReadOnlyDictionary<string, string> secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        if (text is null || !text.Contains(Prefix, StringComparison.Ordinal))
        {
            return text;
        }

        foreach (var (name, value) in secrets)
        {
            text = text.Replace(For(name), value, StringComparison.Ordinal);
        }

        return text;
    }
}
