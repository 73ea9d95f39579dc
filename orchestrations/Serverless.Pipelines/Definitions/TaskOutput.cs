namespace Serverless.Pipelines.Definitions;

/// <summary>
/// Data a task writes. Unless <see cref="Path"/> is given the run computes the location
/// <c>{dag}/{runId}/{task}/{output}/</c> in the data container (see <see cref="OutputLocation"/>).
/// </summary>
public sealed record TaskOutput
{
    /// <summary>Gets the output name (pattern <see cref="DagIdentifiers.TaskIdPattern"/>).</summary>
    public required string Name { get; init; }

    /// <summary>Gets the format. The default is Parquet.</summary>
    public DataFormat Format { get; init; } = DataFormat.Parquet;

    /// <summary>Gets what happens when the location holds data. The default is overwrite.</summary>
    public OutputWriteMode Mode { get; init; } = OutputWriteMode.Overwrite;

    /// <summary>Gets an explicit container; <see langword="null"/> means the data container.</summary>
    public string? Container { get; init; }

    /// <summary>Gets an explicit folder path (may hold templates); <see langword="null"/> means the computed run location.</summary>
    public string? Path { get; init; }
}
