namespace Serverless.Pipelines.Definitions;

/// <summary>
/// The bounds of the small values a task publishes (<see cref="DagTask.Values"/>). They keep values what they are
/// for — a count, a date, a flag passed to a downstream template — and keep the run's custom status and history small;
/// data belongs in outputs.
/// </summary>
public static class TaskValueLimits
{
    /// <summary>The most values one task publishes. The value is 16.</summary>
    public const int MaxValues = 16;

    /// <summary>The longest query of one value, in characters. The value is 4,000.</summary>
    public const int MaxQueryLength = 4_000;

    /// <summary>The largest value, as JSON text in UTF-8 bytes; a larger result fails the task. The value is 1,024.</summary>
    public const int MaxValueBytes = 1_024;

    /// <summary>The pattern of value names (as <see cref="DagIdentifiers.InputNamePattern"/>): they are SQL column names and template attributes.</summary>
    public const string NamePattern = DagIdentifiers.InputNamePattern;
}
