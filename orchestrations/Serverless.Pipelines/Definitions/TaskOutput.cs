namespace Serverless.Pipelines.Definitions;

/// <summary>
/// Data a task writes. Unless <see cref="Path"/> is given the run computes the location
/// <c>{dag}/{runId}/{task}/{output}/</c> in the data container (see <see cref="OutputLocation"/>).
/// </summary>
public sealed record TaskOutput
{
    /// <summary>Gets the output name (pattern <see cref="DagIdentifiers.OutputNamePattern"/>): a blob path segment and a SQL identifier.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the format. The default is Parquet.</summary>
    public DataFormat Format { get; init; } = DataFormat.Parquet;

    /// <summary>Gets what happens when the location holds data. The default is overwrite.</summary>
    public OutputWriteMode Mode { get; init; } = OutputWriteMode.Overwrite;

    /// <summary>
    /// Gets the table or view (created by the task's SQL) whose rows this output receives. <see langword="null"/> means
    /// the result of the SQL's last statement; a sql task may leave it null on one output only.
    /// </summary>
    public string? Table { get; init; }

    /// <summary>Gets an explicit folder path in the data container (may hold templates); <see langword="null"/> means the computed run location.</summary>
    public string? Path { get; init; }

    /// <summary>Gets writer options such as <c>header</c> and <c>delimiter</c> for CSV.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}
