using System.Text;

namespace Serverless.Spark.Dialect;

/// <summary>Function calls, constructors, casts, datetime patterns, table functions and <c>LATERAL VIEW</c>.</summary>
internal sealed partial class SparkSqlRewriter
{
    private const string DefaultTimestampPattern = "yyyy-MM-dd HH:mm:ss";

    private int EmitCall(StringBuilder sql, int i)
    {
        SqlToken name = this.tokens[i];
        int open = i + 1;
        int close = this.Close(open);
        List<(int Start, int End)> args = this.Arguments(open, close);
        string lower = name.Text.ToLowerInvariant();
        sql.Append(name.Leading);
        if (i > 0 && this.tokens[i - 1].IsSymbol("."))
        {
            this.Problem(name, name.Text, $"function '{name.Text}' is qualified; only Spark's built-in functions are supported by the local dialect.");
            sql.Append(name.Text).Append('(').Append(this.Emit(open + 1, close)).Append(')');
            return close;
        }

        if (lower is "cast" or "try_cast")
        {
            sql.Append(this.Cast(name, lower.ToUpperInvariant(), open, close));
            return close;
        }

        SparkFunction? function = SparkFunctionCatalog.Find(lower);
        if (function is null)
        {
            this.Problem(name, name.Text, $"function '{name.Text}' is not supported by the local Spark SQL dialect (see README, \"Spark SQL dialect\"; a task may set dialect: duckdb to write DuckDB SQL).");
            sql.Append(name.Text).Append('(').Append(this.Emit(open + 1, close)).Append(')');
            return close;
        }

        if (args.Count < function.MinArgs || args.Count > function.MaxArgs)
        {
            this.Problem(name, name.Text, $"function '{name.Text}' takes {function.Arity} argument(s) in the local dialect, not {args.Count}.");
        }

        List<string> emitted = args.Select(a => this.Emit(a.Start, a.End).Trim()).ToList();
        switch (function.Kind)
        {
            case SparkFunctionKind.Native:
            case SparkFunctionKind.Macro:
                sql.Append(function.Target).Append('(').Append(string.Join(", ", emitted)).Append(')');
                break;
            case SparkFunctionKind.Template:
                string text = function.Target;
                for (int a = 0; a < emitted.Count; a++)
                {
                    text = text.Replace("{" + a.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}", emitted[a], StringComparison.Ordinal);
                }

                sql.Append(text);
                break;
            default:
                sql.Append(this.Special(name, lower, open, close, args, emitted));
                break;
        }

        return close;
    }

    /// <summary>Rewrites the functions whose DuckDB form depends on their arguments.</summary>
    private string Special(SqlToken name, string lower, int open, int close, List<(int Start, int End)> args, List<string> emitted)
    {
        string All() => string.Join(", ", emitted);
        switch (lower)
        {
            case "array":
                return "list_value(" + All() + ")";
            case "map":
                if (emitted.Count % 2 != 0)
                {
                    this.Problem(name, "map", "map(...) needs key, value pairs.");
                    return "NULL";
                }

                return emitted.Count == 0 ? "map()"
                    : "map(list_value(" + string.Join(", ", emitted.Where((_, k) => k % 2 == 0)) + "), list_value(" + string.Join(", ", emitted.Where((_, k) => k % 2 == 1)) + "))";
            case "named_struct":
            {
                var fields = new List<string>();
                for (int k = 0; k + 1 < args.Count; k += 2)
                {
                    SqlToken field = this.tokens[args[k].Start];
                    if (field.Kind != SqlTokenKind.String || args[k].End != args[k].Start + 1)
                    {
                        this.Problem(field, "named_struct", "named_struct(...) needs literal field names.");
                    }

                    fields.Add(Identifier(field.Text) + " := " + emitted[k + 1]);
                }

                if (args.Count % 2 != 0)
                {
                    this.Problem(name, "named_struct", "named_struct(...) needs name, value pairs.");
                }

                return "struct_pack(" + string.Join(", ", fields) + ")";
            }

            case "struct":
            {
                var fields = new List<string>();
                for (int k = 0; k < args.Count; k++)
                {
                    (int s, int e) = args[k];
                    string field = "col" + (k + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    string value = emitted[k];
                    if (e - s >= 3 && this.tokens[e - 2].IsWord("as"))
                    {
                        field = this.tokens[e - 1].Text;
                        value = this.Emit(s, e - 2).Trim();
                    }
                    else if (this.tokens[e - 1].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier && (e - s == 1 || this.tokens[e - 2].IsSymbol(".")))
                    {
                        // Spark names a field after the column it reads.
                        field = this.tokens[e - 1].Text;
                    }

                    fields.Add(Identifier(field) + " := " + value);
                }

                return "struct_pack(" + string.Join(", ", fields) + ")";
            }

            case "concat":
                return "(" + string.Join(" || ", emitted) + ")";
            case "elt":
                return "list_value(" + string.Join(", ", emitted.Skip(1).Select(a => $"CAST({a} AS VARCHAR)")) + ")[" + emitted[0] + "]";
            case "count":
                return "count(" + this.Emit(open + 1, close).Trim() + ")";
            case "position":
                return this.HasWord(open, close, "in") ? "position(" + this.Emit(open + 1, close).Trim() + ")" : "spark_locate(" + All() + ")";
            case "trim":
                return "trim(" + this.Emit(open + 1, close).Trim() + ")";
            case "extract":
                if (this.tokens[open + 1].Text.StartsWith("second", StringComparison.OrdinalIgnoreCase))
                {
                    this.Problem(name, "extract(SECOND ...)", "extract(SECOND FROM ...) returns seconds with their fraction on Spark; use second(...) for whole seconds.");
                }

                return "extract(" + this.Emit(open + 1, close).Trim() + ")";
            case "regexp_replace":
            {
                SqlToken replacement = this.tokens[args[2].Start];
                if (replacement.Kind != SqlTokenKind.String || args[2].End != args[2].Start + 1)
                {
                    this.Problem(replacement, "regexp_replace", "regexp_replace needs a literal replacement in the local dialect (its $1 group references are converted).");
                    return "NULL";
                }

                return $"regexp_replace({emitted[0]}, {emitted[1]}, {Literal(JavaReplacement(replacement.Text))}, 'g')";
            }

            case "date_format":
                return this.Pattern(args[1], parsing: false) is { } strftime ? $"strftime(spark_as_ts({emitted[0]}), {Literal(strftime)})" : "NULL";
            case "from_unixtime":
            {
                string? format = args.Count > 1 ? this.Pattern(args[1], parsing: false) : SparkDateTimePattern.Convert(DefaultTimestampPattern, false, out _);
                return format is null ? "NULL" : $"strftime(to_timestamp(CAST({emitted[0]} AS DOUBLE)), {Literal(format)})";
            }

            case "to_date":
                return args.Count == 1 ? $"spark_as_date({emitted[0]})"
                    : this.Pattern(args[1], parsing: true) is { } p ? $"CAST(try_strptime(CAST({emitted[0]} AS VARCHAR), {Literal(p)}) AS DATE)" : "NULL";
            case "to_timestamp":
                return args.Count == 1 ? $"spark_as_ts({emitted[0]})"
                    : this.Pattern(args[1], parsing: true) is { } q ? $"try_strptime(CAST({emitted[0]} AS VARCHAR), {Literal(q)})" : "NULL";
            case "unix_timestamp" or "to_unix_timestamp":
            {
                if (args.Count == 0)
                {
                    return "CAST(floor(epoch(current_timestamp)) AS BIGINT)";
                }

                string? pattern = args.Count > 1 ? this.Pattern(args[1], parsing: true) : SparkDateTimePattern.Convert(DefaultTimestampPattern, true, out _);
                return pattern is null ? "NULL" : $"spark_unix_seconds({emitted[0]}, {Literal(pattern)})";
            }

            default:
            {
                // string(x), int(x), date(x), ...: Spark's cast functions.
                int j = 0;
                var typeTokens = new List<SqlToken> { name with { Leading = string.Empty } };
                string? type = SparkTypeNames.Read(typeTokens, ref j, 1, out string? error);
                if (type is null)
                {
                    this.Problem(name, name.Text, error!);
                    return "NULL";
                }

                return $"CAST({All()} AS {type})";
            }
        }
    }

    private bool HasWord(int open, int close, string word)
    {
        int depth = 0;
        for (int k = open + 1; k < close; k++)
        {
            depth += this.tokens[k].IsSymbol("(") ? 1 : this.tokens[k].IsSymbol(")") ? -1 : 0;
            if (depth == 0 && this.tokens[k].IsWord(word))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Converts a literal datetime pattern argument, or reports why it cannot be.</summary>
    private string? Pattern((int Start, int End) arg, bool parsing)
    {
        SqlToken t = this.tokens[arg.Start];
        if (t.Kind != SqlTokenKind.String || arg.End != arg.Start + 1)
        {
            this.Problem(t, "datetime pattern", "the datetime pattern must be a string literal in the local dialect (it is converted to strftime once).");
            return null;
        }

        string? converted = SparkDateTimePattern.Convert(t.Text, parsing, out string? error);
        if (converted is null)
        {
            this.Problem(t, t.Text, error!);
        }

        return converted;
    }

    /// <summary>Converts a Java regex replacement (<c>$1</c>, <c>\$</c>) into RE2's (<c>\1</c>, <c>$</c>).</summary>
    private static string JavaReplacement(string replacement)
    {
        var result = new StringBuilder();
        for (int k = 0; k < replacement.Length; k++)
        {
            char c = replacement[k];
            if (c == '\\' && k + 1 < replacement.Length)
            {
                char escaped = replacement[++k];
                result.Append(escaped == '\\' ? @"\\" : escaped.ToString());
            }
            else if (c == '$' && k + 1 < replacement.Length && char.IsAsciiDigit(replacement[k + 1]))
            {
                result.Append('\\').Append(replacement[++k]);
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    private string Cast(SqlToken name, string keyword, int open, int close)
    {
        int depth = 0;
        for (int k = open + 1; k < close; k++)
        {
            SqlToken t = this.tokens[k];
            depth += t.IsSymbol("(") ? 1 : t.IsSymbol(")") ? -1 : 0;
            if (depth == 0 && t.IsWord("as"))
            {
                int j = k + 1;
                string? type = SparkTypeNames.Read(this.tokens, ref j, close, out string? error);
                if (type is null)
                {
                    this.Problem(this.tokens[Math.Min(k + 1, close)], keyword, error!);
                    return "NULL";
                }

                return $"{keyword}({this.Emit(open + 1, k).Trim()} AS {type})";
            }
        }

        this.Problem(name, keyword, $"{keyword} needs AS and a type.");
        return "NULL";
    }

    /// <summary>Rewrites a table-valued function after FROM or JOIN: Spark's <c>range</c> and generators.</summary>
    private int EmitTableFunction(StringBuilder sql, int i)
    {
        SqlToken name = this.tokens[i];
        int open = i + 1;
        int close = this.Close(open);
        List<string> args = this.Arguments(open, close).Select(a => this.Emit(a.Start, a.End).Trim()).ToList();
        sql.Append(name.Leading);
        switch (name.Text.ToLowerInvariant())
        {
            case "range" when args.Count is >= 1 and <= 3:
                sql.Append("(SELECT range AS id FROM range(").Append(string.Join(", ", args)).Append("))");
                break;
            case "explode" or "explode_outer" when args.Count == 1:
                sql.Append("(SELECT unnest(").Append(args[0]).Append(") AS col)");
                break;
            case "posexplode" or "posexplode_outer" when args.Count == 1:
                sql.Append("(SELECT unnest(range(len(").Append(args[0]).Append("))) AS pos, unnest(").Append(args[0]).Append(") AS col)");
                break;
            default:
                this.Problem(name, name.Text, $"table function '{name.Text}' is not supported by the local dialect (range, explode and posexplode are).");
                sql.Append(name.Text).Append('(').Append(string.Join(", ", args)).Append(')');
                break;
        }

        return close;
    }

    /// <summary>Rewrites <c>LATERAL VIEW [OUTER] generator(args) table [AS] col, ...</c> into a DuckDB lateral join.</summary>
    private int EmitLateralView(StringBuilder sql, int i, int end)
    {
        SqlToken lateral = this.tokens[i];
        int k = i + 2;
        bool outer = k < end && this.tokens[k].IsWord("outer");
        k += outer ? 1 : 0;
        if (k + 1 >= end || this.tokens[k].Kind != SqlTokenKind.Word || !this.tokens[k + 1].IsSymbol("("))
        {
            this.Problem(lateral, "LATERAL VIEW", "LATERAL VIEW needs a generator call, a table name and column names.");
            return end - 1;
        }

        SqlToken generator = this.tokens[k];
        int close = this.Close(k + 1);
        List<(int Start, int End)> args = this.Arguments(k + 1, close);
        k = close + 1;
        string table = k < end && this.tokens[k].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier && !ClauseWords.Contains(this.tokens[k].Text) ? this.tokens[k++].Text : "lateral_view";
        k += k < end && this.tokens[k].IsWord("as") ? 1 : 0;
        var columns = new List<string>();
        while (k < end && this.tokens[k].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier && !ClauseWords.Contains(this.tokens[k].Text))
        {
            columns.Add(this.tokens[k++].Text);
            if (k + 1 < end && this.tokens[k].IsSymbol(",") && this.tokens[k + 1].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier && !ClauseWords.Contains(this.tokens[k + 1].Text))
            {
                k++;
            }
            else
            {
                break;
            }
        }

        string g = generator.Text.ToLowerInvariant();
        outer |= g.EndsWith("_outer", StringComparison.Ordinal);
        string arg = args.Count == 1 ? this.Emit(args[0].Start, args[0].End).Trim() : "NULL";
        string? select = g switch
        {
            "explode" or "explode_outer" when columns.Count <= 1 => $"unnest({arg})",
            "explode" or "explode_outer" when columns.Count == 2 => $"unnest(map_keys({arg})), unnest(map_values({arg}))",
            "posexplode" or "posexplode_outer" when columns.Count is 0 or 2 => $"unnest(range(len({arg}))), unnest({arg})",
            _ => null,
        };
        if (select is null || args.Count != 1)
        {
            this.Problem(generator, "LATERAL VIEW " + generator.Text, $"LATERAL VIEW {generator.Text}(...) with {columns.Count} column(s) is not supported by the local dialect (explode and posexplode are).");
            return k - 1;
        }

        if (columns.Count == 0)
        {
            columns.AddRange(g.StartsWith("pos", StringComparison.Ordinal) ? ["pos", "col"] : ["col"]);
        }

        sql.Append(lateral.Leading)
            .Append(outer ? "LEFT JOIN LATERAL (SELECT " : "CROSS JOIN LATERAL (SELECT ")
            .Append(select)
            .Append(") AS ").Append(Identifier(table)).Append('(').Append(string.Join(", ", columns.Select(Identifier))).Append(')')
            .Append(outer ? " ON TRUE" : string.Empty);
        return k - 1;
    }
}
