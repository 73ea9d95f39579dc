namespace Serverless.Spark.Jobs;

/// <summary>A named output of a job: a folder of part files under <see cref="Location"/>.</summary>
/// <param name="Name">The output name: an SQL identifier.</param>
/// <param name="Location">The output folder as <c>container/path/</c>; it must be in the configured data container.</param>
/// <param name="Format">The file format.</param>
public sealed record SparkJobOutput(string Name, string Location, SparkDataFormat Format)
{
    /// <summary>Gets what happens when the location already holds data. The default is <see cref="SparkWriteMode.Overwrite"/>.</summary>
    public SparkWriteMode Mode { get; init; } = SparkWriteMode.Overwrite;

    /// <summary>
    /// Gets the table or view (created by the job's SQL) whose rows are written. When null, the output receives the
    /// result of the last statement of the SQL, which must then be a query; only one output may leave it null.
    /// </summary>
    public string? Table { get; init; }

    /// <summary>Gets writer options, for example <c>header</c> and <c>delimiter</c> for CSV.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}
