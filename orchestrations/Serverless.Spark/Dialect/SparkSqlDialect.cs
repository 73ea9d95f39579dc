using DuckDB.NET.Data;

namespace Serverless.Spark.Dialect;

/// <summary>
/// The Spark SQL dialect of the local backend: checks a task's Spark SQL, rewrites it statement by statement for
/// DuckDB with Spark's meaning, and defines Spark's built-in functions on a DuckDB connection.
/// </summary>
/// <remarks>
/// <see cref="Check"/> and <see cref="Translate"/> run the same rewriter, so what validation accepts is exactly what
/// the local engine runs. The cost is one token pass per statement and one batch of <c>CREATE MACRO</c> per
/// connection; the data path runs DuckDB's own functions and macros, which DuckDB inlines at bind time.
/// </remarks>
public static class SparkSqlDialect
{
    private static readonly Lazy<string> MacroScript = new(() => string.Join(";\n", SparkFunctionCatalog.MacroStatements()));

    /// <summary>Gets the Spark function names the dialect supports, sorted.</summary>
    public static IReadOnlyList<string> SupportedFunctions { get; } =
        [.. SparkFunctionCatalog.Functions.Keys.Order(StringComparer.Ordinal)];

    /// <summary>Checks a Spark SQL script and returns what the local dialect refuses, each with its line.</summary>
    /// <param name="sql">The script: statements separated by <c>;</c>.</param>
    /// <returns>The problems; empty when the local backend runs the script with Spark's meaning.</returns>
    public static IReadOnlyList<SparkSqlProblem> Check(string sql)
    {
        var problems = new List<SparkSqlProblem>();
        _ = TranslateCore(sql, problems);
        return problems;
    }

    /// <summary>Rewrites a Spark SQL script into DuckDB statements.</summary>
    /// <param name="sql">The script: statements separated by <c>;</c>.</param>
    /// <returns>The DuckDB statements, in order.</returns>
    /// <exception cref="SparkSqlDialectException">The script uses what the dialect refuses; every problem is listed.</exception>
    public static IReadOnlyList<string> Translate(string sql)
    {
        var problems = new List<SparkSqlProblem>();
        IReadOnlyList<string> statements = TranslateCore(sql, problems);
        return problems.Count > 0 ? throw new SparkSqlDialectException(problems) : statements;
    }

    /// <summary>Defines Spark's functions (as <c>spark_*</c> macros) and Spark's arithmetic on a connection; call once per connection, before its configuration is locked.</summary>
    /// <param name="connection">An open DuckDB connection.</param>
    /// <param name="timeZone">The session time zone Spark's timestamps are read in (Spark's <c>spark.sql.session.timeZone</c>).</param>
    public static void Register(DuckDBConnection connection, string timeZone = "UTC")
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(timeZone);
        using DuckDBCommand command = connection.CreateCommand();

        // Spark (non-ANSI) gives NULL for division by zero where DuckDB gives infinity.
        command.CommandText = $"SET ieee_floating_point_ops = false; SET TimeZone = '{timeZone.Replace("'", "''", StringComparison.Ordinal)}';\n{MacroScript.Value}";
        command.ExecuteNonQuery();
    }

    private static List<string> TranslateCore(string sql, List<SparkSqlProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(sql);
        List<SqlToken> tokens = SparkSqlTokenizer.Tokenize(sql, problems);
        var statements = new List<string>();
        int start = 0;
        for (int i = 0; i <= tokens.Count; i++)
        {
            if (i == tokens.Count || tokens[i].IsSymbol(";"))
            {
                List<SqlToken> statement = tokens.GetRange(start, i - start);
                if (statement.Any(t => t.Text.Length > 0))
                {
                    statements.Add(SparkSqlRewriter.Rewrite(statement, problems));
                }

                start = i + 1;
            }
        }

        return statements;
    }
}
