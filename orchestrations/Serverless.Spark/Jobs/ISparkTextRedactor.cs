namespace Serverless.Spark.Jobs;

/// <summary>
/// Masks secrets in text that comes back from a job — status messages, errors a backend logs — since a job's error
/// may quote the SQL it ran, and that SQL may hold a secret the app put there. Register one to enable it; without one
/// nothing is masked.
/// </summary>
public interface ISparkTextRedactor
{
    /// <summary>Masks every secret in a text.</summary>
    /// <param name="text">The text, or <see langword="null"/>.</param>
    /// <returns>The masked text.</returns>
    string? Redact(string? text);
}
