using System.Globalization;
using System.Text;

namespace Serverless.Spark.Dialect;

/// <summary>
/// Rewrites one Spark SQL statement, as tokens, into DuckDB SQL with the same meaning, and reports what it cannot
/// rewrite. It never edits text with patterns: it walks tokens, so string literals and comments are never touched
/// (a literal is re-encoded for DuckDB with the same value).
/// </summary>
/// <remarks>
/// Infix forms DuckDB lacks (<c>a RLIKE b</c>, <c>a DIV b</c>, <c>a &lt;=&gt; b</c>, <c>a ^ b</c>) are first turned into
/// function calls over their operands; then every function call is resolved against
/// <see cref="SparkFunctionCatalog"/> and constructors, casts and <c>LATERAL VIEW</c> are rewritten.
/// </remarks>
internal sealed partial class SparkSqlRewriter
{
    /// <summary>Words that may be followed by <c>(</c> without being a function call.</summary>
    private static readonly HashSet<string> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "from", "where", "group", "by", "having", "order", "limit", "offset", "union", "intersect", "except",
        "minus", "all", "distinct", "as", "on", "using", "join", "inner", "left", "right", "full", "outer", "cross",
        "semi", "anti", "natural", "lateral", "view", "and", "or", "not", "in", "is", "null", "like", "ilike", "rlike",
        "regexp", "between", "case", "when", "then", "else", "end", "with", "recursive", "values", "over", "partition",
        "rows", "range", "window", "filter", "within", "rollup", "cube", "grouping", "sets", "table", "into", "create",
        "replace", "temp", "temporary", "drop", "if", "exists", "interval", "true", "false", "asc", "desc", "nulls",
        "first", "last", "preceding", "following", "unbounded", "current", "row", "qualify", "escape", "div", "any",
        "some", "sort", "cluster", "distribute", "tablesample", "pivot", "unpivot",
    };

    /// <summary>Words that start a clause and so end an operand or a list of <c>LATERAL VIEW</c> column names.</summary>
    private static readonly HashSet<string> ClauseWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "from", "where", "group", "having", "order", "limit", "union", "intersect", "except", "minus", "lateral", "join",
        "inner", "left", "right", "full", "cross", "on", "using", "window", "sort", "cluster", "distribute", "qualify",
        "and", "or", "then", "else", "when", "end", "as", "select", "offset", "natural", "semi", "anti",
    };

    private readonly List<SqlToken> tokens;
    private readonly List<SparkSqlProblem> problems;

    private SparkSqlRewriter(List<SqlToken> tokens, List<SparkSqlProblem> problems)
    {
        this.tokens = tokens;
        this.problems = problems;
    }

    /// <summary>Rewrites one statement.</summary>
    /// <param name="statement">The statement's tokens, without the separating <c>;</c>.</param>
    /// <param name="problems">Receives what the dialect refuses, with lines.</param>
    /// <returns>The DuckDB SQL.</returns>
    public static string Rewrite(IReadOnlyList<SqlToken> statement, List<SparkSqlProblem> problems)
    {
        // A refused statement is named once; what its text would also trip over is noise.
        var own = new List<SparkSqlProblem>();
        var rewriter = new SparkSqlRewriter([.. statement], own);
        rewriter.CheckStatement();
        int statementProblems = own.Count;
        rewriter.RewriteInfixOperators();
        string sql = rewriter.Emit(0, rewriter.tokens.Count).Trim();
        problems.AddRange(statementProblems > 0 ? own.Take(statementProblems) : own);
        return sql;
    }

    private static bool IsValue(SqlToken t) =>
        t.Kind is SqlTokenKind.String or SqlTokenKind.Number or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Template ||
        (t.Kind == SqlTokenKind.Word && !Keywords.Contains(t.Text)) || t.IsWord("null") || t.IsWord("true") || t.IsWord("false");

    /// <summary>Quotes a DuckDB string literal.</summary>
    private static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>Quotes a DuckDB identifier.</summary>
    private static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private void Problem(SqlToken at, string construct, string message) => this.problems.Add(new SparkSqlProblem(at.Line, construct, message));

    /// <summary>Refuses statements the local engine cannot run with Spark's meaning.</summary>
    private void CheckStatement()
    {
        SqlToken? first = this.tokens.FirstOrDefault(t => t.Text.Length > 0);
        if (first is null)
        {
            return;
        }

        string word = first.Kind == SqlTokenKind.Word ? first.Text.ToUpperInvariant() : first.Text;
        if (word is "SELECT" or "WITH" or "VALUES" or "(" or "DROP")
        {
            return;
        }

        if (word == "CREATE")
        {
            var words = this.tokens.TakeWhile(t => !t.IsWord("as") && !t.IsSymbol("(")).Select(t => t.Text.ToUpperInvariant()).ToList();
            if (words.Contains("FUNCTION") || words.Contains("MACRO"))
            {
                this.Problem(first, "CREATE FUNCTION", "CREATE FUNCTION is not supported by the local dialect.");
            }
            else if (words.Contains("GLOBAL"))
            {
                this.Problem(first, "CREATE GLOBAL TEMPORARY VIEW", "global temporary views are not supported by the local dialect; use CREATE TEMPORARY VIEW.");
            }
            else if (!this.tokens.Any(t => t.IsWord("as")) || this.tokens.Any(t => t.IsWord("using") || t.IsWord("partitioned") || t.IsWord("stored") || t.IsWord("location") || t.IsWord("tblproperties") || t.IsWord("options")))
            {
                this.Problem(first, "CREATE TABLE", "only CREATE [TEMPORARY] VIEW|TABLE name AS query is supported by the local dialect (no column list, USING, PARTITIONED BY, LOCATION or OPTIONS).");
            }

            return;
        }

        this.Problem(first, word, $"{word} statements are not supported by the local dialect; a sql task runs queries, views and CREATE TABLE ... AS.");
    }

    /// <summary>Finds the token closing the bracket at <paramref name="open"/>; returns the index of the closing token.</summary>
    private int Close(int open)
    {
        string o = this.tokens[open].Text;
        string c = o switch { "(" => ")", "[" => "]", _ => "}" };
        int depth = 0;
        for (int i = open; i < this.tokens.Count; i++)
        {
            if (this.tokens[i].IsSymbol(o))
            {
                depth++;
            }
            else if (this.tokens[i].IsSymbol(c) && --depth == 0)
            {
                return i;
            }
        }

        this.Problem(this.tokens[open], o, $"'{o}' is not closed.");
        return this.tokens.Count - 1;
    }

    /// <summary>Splits the arguments between <paramref name="open"/> and its closing parenthesis at top-level commas.</summary>
    private List<(int Start, int End)> Arguments(int open, int close)
    {
        var args = new List<(int, int)>();
        if (close == open + 1)
        {
            return args;
        }

        int depth = 0;
        int start = open + 1;
        for (int i = open + 1; i < close; i++)
        {
            SqlToken t = this.tokens[i];
            if (t.IsSymbol("(") || t.IsSymbol("[") || t.IsSymbol("{") || t.IsWord("case"))
            {
                depth++;
            }
            else if (t.IsSymbol(")") || t.IsSymbol("]") || t.IsSymbol("}") || t.IsWord("end"))
            {
                depth--;
            }
            else if (depth == 0 && t.IsSymbol(","))
            {
                args.Add((start, i));
                start = i + 1;
            }
        }

        args.Add((start, close));
        return args;
    }

    /// <summary>Emits tokens [<paramref name="start"/>, <paramref name="end"/>) as DuckDB SQL.</summary>
    private string Emit(int start, int end)
    {
        var sql = new StringBuilder();
        for (int i = start; i < end; i++)
        {
            SqlToken t = this.tokens[i];
            SqlToken? next = i + 1 < end ? this.tokens[i + 1] : null;
            SqlToken? previous = i > 0 ? this.tokens[i - 1] : null;
            switch (t.Kind)
            {
                case SqlTokenKind.String:
                {
                    // Spark joins adjacent literals ('a' 'b' is 'ab').
                    var value = new StringBuilder(t.Text);
                    while (i + 1 < end && this.tokens[i + 1].Kind == SqlTokenKind.String)
                    {
                        value.Append(this.tokens[++i].Text);
                    }

                    sql.Append(t.Leading).Append(Literal(value.ToString()));

                    // Spark's LIKE escapes with a backslash by default; DuckDB needs it said.
                    if (previous is not null && (previous.IsWord("like") || previous.IsWord("ilike")) && value.ToString().Contains('\\', StringComparison.Ordinal)
                        && !(i + 1 < end && this.tokens[i + 1].IsWord("escape")))
                    {
                        sql.Append(" ESCAPE '\\'");
                    }

                    continue;
                }

                case SqlTokenKind.QuotedIdentifier:
                    sql.Append(t.Leading).Append(Identifier(t.Text));
                    continue;
                case SqlTokenKind.Number:
                    sql.Append(t.Leading).Append(Number(t.Text));
                    continue;
                case SqlTokenKind.Template:
                    sql.Append(t.Leading).Append(t.Text);
                    continue;
                case SqlTokenKind.Symbol:
                    i = this.EmitSymbol(sql, i, end, previous);
                    continue;
                default:
                    i = this.EmitWord(sql, i, end, previous, next);
                    continue;
            }
        }

        return sql.ToString();
    }

    private static string Number(string text)
    {
        string upper = text.ToUpperInvariant();
        if (upper.EndsWith("BD", StringComparison.Ordinal))
        {
            return text[..^2];
        }

        char suffix = upper[^1];
        string digits = text[..^1];
        return suffix switch
        {
            'L' => $"CAST({digits} AS BIGINT)",
            'S' => $"CAST({digits} AS SMALLINT)",
            'Y' => $"CAST({digits} AS TINYINT)",
            'D' => $"CAST({digits} AS DOUBLE)",
            'F' => $"CAST({digits} AS FLOAT)",
            _ => text,
        };
    }

    private int EmitSymbol(StringBuilder sql, int i, int end, SqlToken? previous)
    {
        SqlToken t = this.tokens[i];
        if (t.IsSymbol("["))
        {
            int close = this.Close(i);
            if (previous is null || !(IsValue(previous) || previous.IsSymbol(")") || previous.IsSymbol("]")))
            {
                this.Problem(t, "[...]", "a [...] list literal is DuckDB syntax; write array(...).");
                sql.Append(t.Leading).Append('[').Append(this.Emit(i + 1, close)).Append(']');
                return close;
            }

            // Spark subscripts arrays from 0 and maps by key; DuckDB lists count from 1.
            SqlToken index = this.tokens[i + 1];
            if (close == i + 2 && index.Kind == SqlTokenKind.Number && long.TryParse(index.Text, NumberStyles.None, CultureInfo.InvariantCulture, out long n))
            {
                sql.Append(t.Leading).Append('[').Append((n + 1).ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else if (close == i + 2 && index.Kind == SqlTokenKind.String)
            {
                sql.Append(t.Leading).Append('[').Append(Literal(index.Text)).Append(']');
            }
            else
            {
                this.Problem(t, "[...]", "a computed subscript is ambiguous between arrays (from 0) and maps (by key); use element_at(array, index) (from 1) or a literal.");
                sql.Append(t.Leading).Append('[').Append(this.Emit(i + 1, close)).Append(']');
            }

            return close;
        }

        if (t.IsSymbol("{"))
        {
            this.Problem(t, "{...}", "a {...} struct or map literal is DuckDB syntax; write named_struct(...) or map(...).");
        }
        else if (t.IsSymbol("::"))
        {
            sql.Append(t.Leading).Append("::");
            int j = i + 1;
            string? type = SparkTypeNames.Read(this.tokens, ref j, end, out string? error);
            if (type is null)
            {
                this.Problem(t, "::", error!);
                return i;
            }

            sql.Append(type);
            return j - 1;
        }

        sql.Append(t.Leading).Append(t.Text);
        return i;
    }

    private int EmitWord(StringBuilder sql, int i, int end, SqlToken? previous, SqlToken? next)
    {
        SqlToken t = this.tokens[i];
        string lower = t.Text.ToLowerInvariant();
        if (next is not null && next.IsSymbol("(") && previous is not null && (previous.IsWord("from") || previous.IsWord("join")) && (lower == "range" || !Keywords.Contains(lower))
            && !(i + 2 < end && (this.tokens[i + 2].IsWord("select") || this.tokens[i + 2].IsWord("with") || this.tokens[i + 2].IsWord("values"))))
        {
            return this.EmitTableFunction(sql, i);
        }

        if (next is not null && next.IsSymbol("(") && !this.IsNotACall(i, previous))
        {
            return this.EmitCall(sql, i);
        }

        switch (lower)
        {
            case "lateral" when next is not null && next.IsWord("view"):
                return this.EmitLateralView(sql, i, end);
            case "sort" or "cluster" when next is not null && next.IsWord("by"):
                // One local partition: sorting within partitions is sorting.
                sql.Append(t.Leading).Append("ORDER");
                return i;
            case "distribute" when next is not null && next.IsWord("by"):
                this.Problem(t, "DISTRIBUTE BY", "DISTRIBUTE BY is not supported by the local dialect; remove it (one local partition) or use ORDER BY.");
                break;
            case "left" when next is not null && (next.IsWord("semi") || next.IsWord("anti")):
                // DuckDB spells LEFT SEMI JOIN as SEMI JOIN.
                return i;
            case "minus":
                sql.Append(t.Leading).Append("EXCEPT");
                return i;
            case "pivot" or "unpivot" or "tablesample":
                this.Problem(t, t.Text.ToUpperInvariant(), $"{t.Text.ToUpperInvariant()} is not supported by the local dialect.");
                break;
            case "current_date" or "current_timestamp" or "current_timezone":
                sql.Append(t.Leading).Append(SparkFunctionCatalog.Find(lower)!.Target);
                return i;
            default:
                break;
        }

        sql.Append(t.Leading).Append(t.Text);
        return i;
    }

    /// <summary>Gets whether the word at <paramref name="i"/>, followed by <c>(</c>, is not a function call.</summary>
    private bool IsNotACall(int i, SqlToken? previous)
    {
        SqlToken t = this.tokens[i];
        string lower = t.Text.ToLowerInvariant();
        bool subquery = i + 2 < this.tokens.Count && (this.tokens[i + 2].IsWord("select") || this.tokens[i + 2].IsWord("with"));
        if (lower is "exists" or "any" or "some" or "in" or "all" && subquery)
        {
            return true;
        }

        if (Keywords.Contains(t.Text) && SparkFunctionCatalog.Find(t.Text) is null && lower is not ("cast" or "try_cast"))
        {
            return true;
        }

        if (previous is null)
        {
            return false;
        }

        // AS t(a, b), FROM VALUES (...) t(a, b), FROM tbl alias(...): a name with a column list.
        if (previous.IsWord("as") || previous.IsSymbol(")") || (previous.Kind == SqlTokenKind.Word && !Keywords.Contains(previous.Text)) || previous.Kind == SqlTokenKind.QuotedIdentifier)
        {
            return true;
        }

        // WITH name(a, b) AS (...): a CTE's column list.
        if (previous.IsWord("with") || previous.IsSymbol(","))
        {
            int close = this.Close(i + 1);
            if (close + 2 < this.tokens.Count && this.tokens[close + 1].IsWord("as") && this.tokens[close + 2].IsSymbol("("))
            {
                return true;
            }
        }

        // INSERT INTO t (cols), CREATE VIEW v (cols): names, refused or passed elsewhere.
        return previous.IsWord("into") || previous.IsWord("view") || previous.IsWord("table");
    }
}
