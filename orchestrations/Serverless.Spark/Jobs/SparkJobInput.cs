namespace Serverless.Spark.Jobs;

/// <summary>A named input of a job. For <c>sql</c> jobs the input becomes a view named <see cref="Name"/>.</summary>
/// <param name="Name">The input name: an SQL identifier (letters, digits, underscores; not starting with a digit).</param>
/// <param name="Location">
/// Where the data is, as <c>container/path</c> in the configured account (see <see cref="Data.DataLocation"/>).
/// A path ending in <c>/</c> (or naming no blob) means every blob under it, as written by an upstream job's part files.
/// </param>
/// <param name="Format">The file format.</param>
public sealed record SparkJobInput(string Name, string Location, SparkDataFormat Format)
{
    /// <summary>Gets reader options, for example <c>header</c> (<c>true</c>/<c>false</c>) and <c>delimiter</c> for CSV.</summary>
    public IReadOnlyDictionary<string, string> Options { get; init; } = new Dictionary<string, string>();
}
