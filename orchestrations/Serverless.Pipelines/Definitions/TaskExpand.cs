namespace Serverless.Pipelines.Definitions;

/// <summary>
/// Dynamic task mapping: the task runs once per item of a list that is known only when the run gets there — a
/// parameter of type array, or the rows of an upstream output. Each instance sees its item as <c>{{ item }}</c>
/// (or <c>{{ item.COLUMN }}</c>) and its index as <c>{{ map_index }}</c>.
/// </summary>
public sealed record TaskExpand
{
    /// <summary>The default parallelism of mapped instances.</summary>
    public const int DefaultMaxParallelism = 16;

    /// <summary>Gets the array parameter to expand over, or <see langword="null"/>.</summary>
    public string? Param { get; init; }

    /// <summary>Gets the upstream output to expand over, as <c>task.output</c> (one item per row), or <see langword="null"/>.</summary>
    public string? From { get; init; }

    /// <summary>Gets the column whose value is the item when expanding over rows; <see langword="null"/> makes the whole row (an object) the item.</summary>
    public string? Column { get; init; }

    /// <summary>Gets the most instances running at once. The default is 16.</summary>
    public int MaxParallelism { get; init; } = DefaultMaxParallelism;

    /// <summary>Gets the task id part of <see cref="From"/>, or <see langword="null"/>.</summary>
    public string? FromTask => From is { } from && from.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? from[..dot] : null;

    /// <summary>Gets the output name part of <see cref="From"/>, or <see langword="null"/>.</summary>
    public string? FromOutput => From is { } from && from.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 ? from[(dot + 1)..] : null;
}
