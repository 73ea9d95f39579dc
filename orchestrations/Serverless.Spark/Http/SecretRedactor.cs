namespace Serverless.Spark.Http;

/// <summary>Removes known secret values from text that may reach logs, statuses or exceptions (server error bodies can echo headers).</summary>
internal sealed class SecretRedactor
{
    private readonly string[] secrets;

    /// <summary>Initializes a new instance of the <see cref="SecretRedactor"/> class.</summary>
    /// <param name="secrets">The secret values; null and short values are ignored.</param>
    public SecretRedactor(params string?[] secrets) =>
        this.secrets = [.. secrets.Where(s => s is { Length: >= 4 }).Select(s => s!)];

    /// <summary>Returns <paramref name="text"/> with every secret (and its basic-auth encoding) replaced by <c>***</c>.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The redacted text.</returns>
    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        foreach (string secret in this.secrets)
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Adds a secret learned later (a basic-auth header value, a fresh token).</summary>
    /// <param name="secret">The secret.</param>
    /// <returns>A redactor that also removes it.</returns>
    public SecretRedactor With(string? secret) => new([.. this.secrets, secret]);
}
