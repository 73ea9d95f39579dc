using System.Text.Json;
using Serverless.Spark.Dialect;

namespace Serverless.Spark.Jobs;

/// <summary>
/// What a pipeline task submits: a Spark SQL job, a PySpark script or a JAR, with named inputs and outputs in Blob
/// storage. One spec runs on every backend; validate it with <see cref="SparkJobSpecValidator"/>.
/// </summary>
/// <param name="Name">The job name (letters, digits, <c>-</c>, <c>_</c>, <c>.</c>; at most 100 characters).</param>
/// <param name="Kind">The job kind.</param>
public sealed record SparkJobSpec(string Name, SparkJobKind Kind)
{
    /// <summary>Gets the named inputs.</summary>
    public IReadOnlyList<SparkJobInput> Inputs { get; init; } = [];

    /// <summary>Gets the SQL of a <c>sql</c> job: statements separated by <c>;</c>, each input available as a view.</summary>
    public string? Sql { get; init; }

    /// <summary>
    /// Gets the dialect of <see cref="Sql"/>; null means <see cref="SqlDialect.Spark"/>. Spark SQL runs everywhere (the
    /// local backend rewrites it for DuckDB); <see cref="SqlDialect.DuckDb"/> is DuckDB SQL on purpose, local only.
    /// </summary>
    public SqlDialect? Dialect { get; init; }

    /// <summary>Gets the script (<c>pyspark</c>) or JAR (<c>jar</c>): a <c>container/path</c> in the account or an absolute <c>abfss:</c>, <c>wasbs:</c> or <c>dbfs:</c> URI.</summary>
    public string? File { get; init; }

    /// <summary>Gets the main class of a <c>jar</c> job.</summary>
    public string? ClassName { get; init; }

    /// <summary>Gets the command-line arguments of a <c>pyspark</c> or <c>jar</c> job.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Gets extra Python files for a <c>pyspark</c> job.</summary>
    public IReadOnlyList<string> PyFiles { get; init; } = [];

    /// <summary>Gets extra JARs on the class path.</summary>
    public IReadOnlyList<string> Jars { get; init; } = [];

    /// <summary>Gets extra files placed in the working folder of each executor (Livy, Synapse: <c>files</c>).</summary>
    public IReadOnlyList<string> Files { get; init; } = [];

    /// <summary>Gets archives extracted into the working folder of each executor (Livy, Synapse: <c>archives</c>).</summary>
    public IReadOnlyList<string> Archives { get; init; } = [];

    /// <summary>Gets the user the job runs as (Livy <c>proxyUser</c>; needs impersonation rights on the cluster).</summary>
    public string? ProxyUser { get; init; }

    /// <summary>Gets the YARN queue the job is submitted to (Livy <c>queue</c>).</summary>
    public string? Queue { get; init; }

    /// <summary>Gets the named outputs.</summary>
    public IReadOnlyList<SparkJobOutput> Outputs { get; init; } = [];

    /// <summary>Gets Spark configuration (<c>spark.*</c> keys) passed to the cluster.</summary>
    public IReadOnlyDictionary<string, string> Conf { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the requested cluster resources.</summary>
    public SparkJobResources? Resources { get; init; }

    /// <summary>Serializes the spec to JSON (camelCase, the format the runner script reads).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, SparkJson.Options);

    /// <summary>Reads a spec from JSON.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="JsonException">The text is not a spec.</exception>
    public static SparkJobSpec FromJson(string json) =>
        JsonSerializer.Deserialize<SparkJobSpec>(json, SparkJson.Options) ?? throw new JsonException("The JSON text is null, not a job spec.");
}
