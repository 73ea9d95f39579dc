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
    private const string MacroPrefix = "spark_";

    /// <summary>Every macro's <c>CREATE</c> statement by macro name.</summary>
    private static readonly Lazy<Dictionary<string, string>> Macros = new(() => SparkFunctionCatalog.MacroStatements()
        .ToDictionary(Name, s => s, StringComparer.Ordinal));

    /// <summary>Gets the Spark function names the dialect supports, sorted.</summary>
    public static IReadOnlyList<string> SupportedFunctions { get; } =
        [.. SparkFunctionCatalog.Functions.Keys.Where(k => char.IsAsciiLetter(k[0])).Order(StringComparer.Ordinal)];

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

    /// <summary>
    /// Defines, on a connection, the <c>spark_*</c> macros the given statements call (all of them when
    /// <paramref name="statements"/> is null) and Spark's arithmetic; call before the connection's configuration is
    /// locked. Only the macros a job uses are created, so a query that needs none costs nothing.
    /// </summary>
    /// <param name="connection">An open DuckDB connection.</param>
    /// <param name="statements">Statements from <see cref="Translate"/>, or null for every macro.</param>
    /// <param name="timeZone">The session time zone Spark's timestamps are read in (Spark's <c>spark.sql.session.timeZone</c>).</param>
    public static void Register(DuckDBConnection connection, IEnumerable<string>? statements = null, string timeZone = "UTC")
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrWhiteSpace(timeZone);
        var ordered = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        IEnumerable<string> wanted = statements is null ? Macros.Value.Keys : statements.SelectMany(CalledMacros);
        foreach (string name in wanted)
        {
            AddWithDependencies(name, seen, ordered);
        }

        using DuckDBCommand command = connection.CreateCommand();

        // Spark (non-ANSI) gives NULL for division by zero where DuckDB gives infinity.
        command.CommandText = $"SET ieee_floating_point_ops = false; SET TimeZone = '{timeZone.Replace("'", "''", StringComparison.Ordinal)}';\n" + string.Join(";\n", ordered);
        command.ExecuteNonQuery();
    }

    /// <summary>Gets the macro name of a <c>CREATE ... MACRO name(...)</c> statement.</summary>
    private static string Name(string createStatement)
    {
        int start = createStatement.IndexOf(MacroPrefix, StringComparison.Ordinal);
        return createStatement[start..createStatement.IndexOf('(', start)];
    }

    /// <summary>Gets the <c>spark_*</c> names in generated SQL (a literal naming one only creates a macro too many).</summary>
    private static IEnumerable<string> CalledMacros(string sql)
    {
        for (int i = sql.IndexOf(MacroPrefix, StringComparison.Ordinal); i >= 0; i = sql.IndexOf(MacroPrefix, i + 1, StringComparison.Ordinal))
        {
            int end = i + MacroPrefix.Length;
            while (end < sql.Length && (char.IsAsciiLetterOrDigit(sql[end]) || sql[end] == '_'))
            {
                end++;
            }

            yield return sql[i..end];
        }
    }

    /// <summary>Adds a macro after the macros its body calls.</summary>
    private static void AddWithDependencies(string name, HashSet<string> seen, List<string> ordered)
    {
        if (!Macros.Value.TryGetValue(name, out string? statement) || !seen.Add(name))
        {
            return;
        }

        string body = statement[(statement.IndexOf('(', StringComparison.Ordinal) + 1)..];
        foreach (string dependency in CalledMacros(body))
        {
            AddWithDependencies(dependency, seen, ordered);
        }

        ordered.Add(statement);
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
