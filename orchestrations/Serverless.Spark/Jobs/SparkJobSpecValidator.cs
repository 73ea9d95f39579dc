using System.Text.RegularExpressions;
using Serverless.Spark.Data;
using Serverless.Spark.Dialect;
using Serverless.Spark.Hosting;

namespace Serverless.Spark.Jobs;

/// <summary>
/// Checks a job spec before it is submitted and reports every error at once, each naming what is wrong and where:
/// unknown kinds and formats, missing SQL or files, names that are not identifiers, duplicates, locations that
/// escape the account or (for outputs) the data container, and kinds the chosen backend cannot run.
/// </summary>
public sealed partial class SparkJobSpecValidator
{
    private static readonly string[] FileSchemes = ["abfss", "abfs", "wasbs", "wasb", "dbfs"];
    private readonly string dataContainer;
    private readonly Uri? accountBlobEndpoint;

    /// <summary>Initializes a new instance of the <see cref="SparkJobSpecValidator"/> class.</summary>
    /// <param name="dataContainer">The container outputs must be written to.</param>
    /// <param name="accountBlobEndpoint">The account blob endpoint; absolute URLs under it are accepted as locations.</param>
    public SparkJobSpecValidator(string dataContainer = SparkResourceNames.DataContainer, Uri? accountBlobEndpoint = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataContainer);
        this.dataContainer = dataContainer;
        this.accountBlobEndpoint = accountBlobEndpoint;
    }

    /// <summary>Validates a spec.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="backend">The backend name, for messages.</param>
    /// <param name="supportedKinds">The kinds the backend runs; null to skip that check.</param>
    /// <returns>Every error; empty when the spec is valid.</returns>
    public IReadOnlyList<string> Validate(SparkJobSpec spec, string? backend = null, IReadOnlyCollection<SparkJobKind>? supportedKinds = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(spec.Name) || !JobName().IsMatch(spec.Name))
        {
            errors.Add($"name '{spec.Name}' is invalid: use 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (!spec.Kind.IsKnown)
        {
            errors.Add($"kind '{spec.Kind}' is unknown: use sql, pyspark or jar.");
        }
        else if (supportedKinds is not null && !supportedKinds.Contains(spec.Kind))
        {
            errors.Add($"kind '{spec.Kind}' cannot run on the '{backend}' backend (it runs: {string.Join(", ", supportedKinds)}).");
        }

        if (spec.Kind == SparkJobKind.Sql)
        {
            if (string.IsNullOrWhiteSpace(spec.Sql))
            {
                errors.Add("sql is missing: a sql job needs its SQL text.");
            }

            if (spec.Outputs.Count == 0)
            {
                errors.Add("outputs are missing: a sql job needs at least one output.");
            }

            if (spec.Outputs.Count(o => o is not null && o.Table is null) > 1)
            {
                errors.Add("outputs: only one output may omit 'table' (it receives the result of the last statement); name a table or view for the others.");
            }

            CheckDialect(spec, backend, errors);
        }
        else if (spec.Kind == SparkJobKind.PySpark || spec.Kind == SparkJobKind.Jar)
        {
            if (string.IsNullOrWhiteSpace(spec.File))
            {
                errors.Add($"file is missing: a {spec.Kind} job needs the script or JAR to run.");
            }
            else
            {
                this.CheckFile("file", spec.File, errors);
            }

            if (spec.Kind == SparkJobKind.Jar && string.IsNullOrWhiteSpace(spec.ClassName))
            {
                errors.Add("className is missing: a jar job needs its main class.");
            }

            foreach (string pyFile in spec.PyFiles ?? [])
            {
                this.CheckFile("pyFiles", pyFile, errors);
            }
        }

        foreach (string jar in spec.Jars ?? [])
        {
            this.CheckFile("jars", jar, errors);
        }

        var inputNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (SparkJobInput? input in spec.Inputs ?? [])
        {
            if (input is null)
            {
                errors.Add("inputs: an entry is null.");
                continue;
            }

            string where = $"input '{input.Name}'";
            CheckName(where, input.Name, inputNames, errors);
            CheckFormat(where, input.Format, errors);
            if (!DataLocation.TryParse(input.Location, this.accountBlobEndpoint, out _, out string? error))
            {
                errors.Add($"{where}: location {error}.");
            }
        }

        var outputNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (SparkJobOutput? output in spec.Outputs ?? [])
        {
            if (output is null)
            {
                errors.Add("outputs: an entry is null.");
                continue;
            }

            string where = $"output '{output.Name}'";
            CheckName(where, output.Name, outputNames, errors);
            CheckFormat(where, output.Format, errors);
            if (!output.Mode.IsKnown)
            {
                errors.Add($"{where}: mode '{output.Mode}' is unknown: use overwrite or errorifexists.");
            }

            if (output.Table is not null && !Identifier().IsMatch(output.Table))
            {
                errors.Add($"{where}: table '{output.Table}' is not an identifier (letters, digits and underscores, not starting with a digit).");
            }

            if (!DataLocation.TryParse(output.Location, this.accountBlobEndpoint, out DataLocation? location, out string? error))
            {
                errors.Add($"{where}: location {error}.");
            }
            else if (!string.Equals(location.Container, this.dataContainer, StringComparison.Ordinal))
            {
                errors.Add($"{where}: location '{output.Location}' is outside the data container '{this.dataContainer}'.");
            }
            else if (location.Path.Length == 0)
            {
                errors.Add($"{where}: location '{output.Location}' is the whole container; name a folder in it.");
            }
        }

        foreach ((string key, string value) in spec.Conf ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(key) || value is null)
            {
                errors.Add($"conf: key '{key}' is empty or has no value.");
            }
        }

        if (spec.Resources is { } r &&
            (r.DriverCores is <= 0 || r.ExecutorCores is <= 0 || r.Executors is <= 0))
        {
            errors.Add("resources: cores and executor counts must be positive.");
        }

        return errors;
    }

    /// <summary>Validates a spec and throws when it is invalid.</summary>
    /// <param name="spec">The spec.</param>
    /// <param name="backend">The backend name, for messages.</param>
    /// <param name="supportedKinds">The kinds the backend runs; null to skip that check.</param>
    /// <exception cref="SparkJobValidationException">The spec is invalid; every error is listed.</exception>
    public void ThrowIfInvalid(SparkJobSpec spec, string? backend = null, IReadOnlyCollection<SparkJobKind>? supportedKinds = null)
    {
        IReadOnlyList<string> errors = this.Validate(spec, backend, supportedKinds);
        if (errors.Count > 0)
        {
            throw new SparkJobValidationException(errors);
        }
    }

    /// <summary>Refuses unknown dialects, DuckDB SQL on clusters, and Spark SQL the local dialect cannot run with Spark's meaning.</summary>
    private static void CheckDialect(SparkJobSpec spec, string? backend, List<string> errors)
    {
        SqlDialect dialect = spec.Dialect ?? SqlDialect.Spark;
        bool local = string.Equals(backend, SparkBackendNames.Local, StringComparison.OrdinalIgnoreCase);
        if (!dialect.IsKnown)
        {
            errors.Add($"dialect '{dialect}' is unknown: use spark or duckdb.");
        }
        else if (dialect == SqlDialect.DuckDb && backend is not null && !local)
        {
            errors.Add($"dialect 'duckdb' runs only on the local backend, not on '{backend}'; write the SQL in Spark SQL.");
        }
        else if (dialect == SqlDialect.Spark && local && !string.IsNullOrWhiteSpace(spec.Sql))
        {
            errors.AddRange(SparkSqlDialect.Check(spec.Sql).Select(p => $"sql line {p.Line}: {p.Message}"));
        }
    }

    private static void CheckFormat(string where, SparkDataFormat format, List<string> errors)
    {
        if (!format.IsKnown)
        {
            errors.Add($"{where}: format '{format}' is unknown: use csv, json or parquet.");
        }
    }

    private static void CheckName(string where, string name, HashSet<string> seen, List<string> errors)
    {
        if (string.IsNullOrEmpty(name) || !Identifier().IsMatch(name))
        {
            errors.Add($"{where}: name '{name}' is not an identifier (letters, digits and underscores, not starting with a digit).");
        }
        else if (!seen.Add(name))
        {
            errors.Add($"{where}: name '{name}' is used twice (names are case-insensitive).");
        }
    }

    private void CheckFile(string field, string file, List<string> errors)
    {
        if (Uri.TryCreate(file, UriKind.Absolute, out Uri? uri) && FileSchemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase))
        {
            if (file.Contains("/../", StringComparison.Ordinal) || file.EndsWith("/..", StringComparison.Ordinal))
            {
                errors.Add($"{field}: '{file}' contains a '..' segment.");
            }

            return;
        }

        if (!DataLocation.TryParse(file, this.accountBlobEndpoint, out DataLocation? location, out string? error))
        {
            errors.Add($"{field}: {error} (or use an abfss:, wasbs: or dbfs: URI).");
        }
        else if (location.IsFolder)
        {
            errors.Add($"{field}: '{file}' names a folder, not a file.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex JobName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,127}$")]
    private static partial Regex Identifier();
}
