namespace Serverless.Pipelines.Definitions;

/// <summary>
/// Data a task reads, registered as a SQL view named <see cref="Name"/>: either an upstream task's output
/// (<see cref="From"/> = <c>task.output</c>) or an external blob location (<see cref="Path"/>).
/// </summary>
public sealed record TaskInput
{
    /// <summary>Gets the view name (a SQL identifier, pattern <see cref="DagIdentifiers.InputNamePattern"/>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the upstream output this input reads, as <c>task.output</c>; <see langword="null"/> for an external location.</summary>
    public string? From { get; init; }

    /// <summary>Gets the container of an external location; <see langword="null"/> means the data container.</summary>
    public string? Container { get; init; }

    /// <summary>Gets the blob path (file or folder; may hold templates) of an external location.</summary>
    public string? Path { get; init; }

    /// <summary>Gets the format of an external location; <see langword="null"/> infers it from the path's extension (or from the upstream output).</summary>
    public DataFormat? Format { get; init; }

    /// <summary>
    /// Gets a value indicating whether the input may be missing: when its upstream did not succeed (skipped by a branch,
    /// or failed under a trigger rule that runs anyway), the task runs without it and its view is not defined, so the SQL
    /// tests for it with <c>{% if outputs['task'] is defined %}</c>. Only inputs with <see cref="From"/> can be
    /// optional. The default is <see langword="false"/>: a missing upstream output fails the task.
    /// </summary>
    public bool Optional { get; init; }

    /// <summary>Gets reader options such as <c>header</c> and <c>delimiter</c> for CSV.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the task id part of <see cref="From"/>, or <see langword="null"/>.</summary>
    public string? FromTask => From is { } from && from.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? from[..dot] : null;

    /// <summary>Gets the output name part of <see cref="From"/>, or <see langword="null"/>.</summary>
    public string? FromOutput => From is { } from && from.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? from[(dot + 1)..] : null;

    /// <summary>Gets the format this input is read with: the explicit one, else one inferred from the path extension; <see langword="null"/> when it comes from the upstream output.</summary>
    public DataFormat? EffectiveFormat => Format ?? InferFormat(Path);

    /// <summary>Infers a format from a path's extension.</summary>
    /// <param name="path">A blob path.</param>
    /// <returns>The format, or <see langword="null"/> when the extension says nothing.</returns>
    public static DataFormat? InferFormat(string? path)
    {
        if (path is null)
        {
            return null;
        }

        var trimmed = path.TrimEnd('/');
        return trimmed.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? DataFormat.Parquet
            : trimmed.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) ? DataFormat.Csv
            : trimmed.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || trimmed.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) ? DataFormat.Json
            : null;
    }
}
