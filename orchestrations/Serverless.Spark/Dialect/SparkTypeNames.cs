namespace Serverless.Spark.Dialect;

/// <summary>
/// Reads a Spark type (<c>STRING</c>, <c>LONG</c>, <c>DECIMAL(10,2)</c>, <c>ARRAY&lt;INT&gt;</c>,
/// <c>MAP&lt;STRING,INT&gt;</c>, <c>STRUCT&lt;a:INT,b:STRING&gt;</c>) from tokens and writes the DuckDB type with the same
/// meaning. Spark's bare <c>DECIMAL</c> is <c>DECIMAL(10,0)</c>, not DuckDB's <c>DECIMAL(18,3)</c>.
/// </summary>
internal static class SparkTypeNames
{
    private static readonly Dictionary<string, string> Simple = new(StringComparer.OrdinalIgnoreCase)
    {
        ["string"] = "VARCHAR",
        ["varchar"] = "VARCHAR",
        ["char"] = "VARCHAR",
        ["int"] = "INTEGER",
        ["integer"] = "INTEGER",
        ["bigint"] = "BIGINT",
        ["long"] = "BIGINT",
        ["smallint"] = "SMALLINT",
        ["short"] = "SMALLINT",
        ["tinyint"] = "TINYINT",
        ["byte"] = "TINYINT",
        ["double"] = "DOUBLE",
        ["float"] = "FLOAT",
        ["real"] = "FLOAT",
        ["boolean"] = "BOOLEAN",
        ["date"] = "DATE",
        ["timestamp"] = "TIMESTAMP",
        ["timestamp_ltz"] = "TIMESTAMP",
        ["timestamp_ntz"] = "TIMESTAMP",
        ["binary"] = "BLOB",
    };

    /// <summary>Gets whether <paramref name="name"/> starts a Spark type.</summary>
    /// <param name="name">A word.</param>
    /// <returns>Whether it does.</returns>
    public static bool IsTypeName(string name) =>
        Simple.ContainsKey(name) || name.ToLowerInvariant() is "decimal" or "dec" or "numeric" or "array" or "map" or "struct";

    /// <summary>Reads a type starting at <paramref name="i"/> and advances past it.</summary>
    /// <param name="tokens">The tokens.</param>
    /// <param name="i">The position; moved past the type.</param>
    /// <param name="end">The end of the range the type lies in.</param>
    /// <param name="error">Why the type is not supported, or null.</param>
    /// <returns>The DuckDB type, or null with <paramref name="error"/> set.</returns>
    public static string? Read(IReadOnlyList<SqlToken> tokens, ref int i, int end, out string? error)
    {
        error = null;
        if (i >= end || tokens[i].Kind != SqlTokenKind.Word)
        {
            error = "a type name is expected.";
            return null;
        }

        string name = tokens[i].Text.ToLowerInvariant();
        i++;
        if (name is "decimal" or "dec" or "numeric")
        {
            string precision = "10";
            string scale = "0";
            if (i < end && tokens[i].IsSymbol("("))
            {
                precision = tokens[i + 1].Text;
                i += 2;
                if (tokens[i].IsSymbol(","))
                {
                    scale = tokens[i + 1].Text;
                    i += 2;
                }

                i++;
            }

            return $"DECIMAL({precision},{scale})";
        }

        if (name is "char" or "varchar" && i < end && tokens[i].IsSymbol("("))
        {
            // The length is a constraint Spark enforces on write only; DuckDB's VARCHAR has none.
            i += 3;
            return "VARCHAR";
        }

        if (Simple.TryGetValue(name, out string? simple))
        {
            return simple;
        }

        if (name is "array" or "map" or "struct")
        {
            if (i >= end || !tokens[i].IsSymbol("<"))
            {
                error = $"the type {name.ToUpperInvariant()} needs its element types in <...>.";
                return null;
            }

            i++;
            var parts = new List<string>();
            while (i < end && !tokens[i].IsSymbol(">"))
            {
                string? field = null;
                if (name == "struct")
                {
                    field = "\"" + tokens[i].Text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\" ";
                    i++;
                    if (i < end && tokens[i].IsSymbol(":"))
                    {
                        i++;
                    }
                }

                string? inner = Read(tokens, ref i, end, out error);
                if (inner is null)
                {
                    return null;
                }

                parts.Add(field + inner);
                if (i < end && tokens[i].IsSymbol(","))
                {
                    i++;
                }
            }

            i++;
            return name switch
            {
                "array" when parts.Count == 1 => parts[0] + "[]",
                "map" when parts.Count == 2 => $"MAP({parts[0]}, {parts[1]})",
                "struct" => "STRUCT(" + string.Join(", ", parts) + ")",
                _ => Fail(out error, $"the type {name.ToUpperInvariant()} has the wrong number of element types."),
            };
        }

        error = $"the type {name.ToUpperInvariant()} is not supported by the local dialect.";
        return null;
    }

    private static string? Fail(out string? error, string message)
    {
        error = message;
        return null;
    }
}
