using System.Globalization;
using System.Text;

namespace Serverless.Spark.Dialect;

/// <summary>
/// Splits Spark SQL into tokens with their line numbers. String literals are decoded the way Spark's parser decodes
/// them (backslash escapes, double-quoted strings, raw <c>r'...'</c> strings), so the rewriter re-encodes the same value
/// for DuckDB and never edits what a string says. Comments become whitespace with their line breaks kept.
/// </summary>
internal static class SparkSqlTokenizer
{
    private static readonly string[] MultiCharSymbols = ["<=>", "<=", ">=", "<>", "!=", "==", "||", "::", "->", "=>"];

    /// <summary>Tokenizes a script.</summary>
    /// <param name="sql">The script.</param>
    /// <param name="problems">Receives unterminated strings, identifiers and comments.</param>
    /// <returns>The tokens.</returns>
    public static List<SqlToken> Tokenize(string sql, List<SparkSqlProblem> problems)
    {
        var tokens = new List<SqlToken>();
        var leading = new StringBuilder();
        int line = 1;
        int i = 0;
        while (i < sql.Length)
        {
            char c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                leading.Append(c);
                line += c == '\n' ? 1 : 0;
                i++;
                continue;
            }

            if (c == '-' && Peek(sql, i + 1) == '-')
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }

                leading.Append(' ');
                continue;
            }

            if (c == '/' && Peek(sql, i + 1) == '*')
            {
                // Spark's bracketed comments nest.
                int depth = 0;
                int start = line;
                do
                {
                    if (sql[i] == '/' && Peek(sql, i + 1) == '*')
                    {
                        depth++;
                        i += 2;
                    }
                    else if (sql[i] == '*' && Peek(sql, i + 1) == '/')
                    {
                        depth--;
                        i += 2;
                    }
                    else
                    {
                        leading.Append(sql[i] == '\n' ? '\n' : ' ');
                        line += sql[i] == '\n' ? 1 : 0;
                        i++;
                    }
                }
                while (depth > 0 && i < sql.Length);

                if (depth > 0)
                {
                    problems.Add(new SparkSqlProblem(start, "/*", "a /* comment is not closed."));
                }

                leading.Append(' ');
                continue;
            }

            int tokenLine = line;
            string before = leading.ToString();
            leading.Clear();
            if (c is '\'' or '"' || ((c is 'r' or 'R') && Peek(sql, i + 1) is '\'' or '"'))
            {
                bool raw = c is 'r' or 'R';
                int quoteAt = raw ? i + 1 : i;
                (string value, int end, int lines) = ReadString(sql, quoteAt, raw);
                if (end < 0)
                {
                    problems.Add(new SparkSqlProblem(tokenLine, "'", "a string literal is not closed."));
                    end = sql.Length;
                }

                tokens.Add(new SqlToken(SqlTokenKind.String, value, tokenLine, before));
                line += lines;
                i = end;
            }
            else if (c == '`')
            {
                var name = new StringBuilder();
                int j = i + 1;
                bool closed = false;
                while (j < sql.Length)
                {
                    if (sql[j] == '`')
                    {
                        if (Peek(sql, j + 1) == '`')
                        {
                            name.Append('`');
                            j += 2;
                            continue;
                        }

                        closed = true;
                        j++;
                        break;
                    }

                    line += sql[j] == '\n' ? 1 : 0;
                    name.Append(sql[j++]);
                }

                if (!closed)
                {
                    problems.Add(new SparkSqlProblem(tokenLine, "`", "a `quoted identifier` is not closed."));
                }

                tokens.Add(new SqlToken(SqlTokenKind.QuotedIdentifier, name.ToString(), tokenLine, before));
                i = j;
            }
            else if (c == '{' && Peek(sql, i + 1) == '{')
            {
                int end = sql.IndexOf("}}", i + 2, StringComparison.Ordinal);
                end = end < 0 ? sql.Length : end + 2;
                string text = sql[i..end];
                line += text.Count(ch => ch == '\n');
                tokens.Add(new SqlToken(SqlTokenKind.Template, text, tokenLine, before));
                i = end;
            }
            else if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(sql, i + 1))))
            {
                int j = i;
                while (j < sql.Length && (char.IsAsciiDigit(sql[j]) || sql[j] == '.'))
                {
                    j++;
                }

                if (j < sql.Length && sql[j] is 'e' or 'E' && (char.IsAsciiDigit(Peek(sql, j + 1)) || (Peek(sql, j + 1) is '+' or '-' && char.IsAsciiDigit(Peek(sql, j + 2)))))
                {
                    j += 2;
                    while (j < sql.Length && char.IsAsciiDigit(sql[j]))
                    {
                        j++;
                    }
                }

                // A suffix (100L, 1.5BD) belongs to the number; a longer word after digits is an identifier like 1a.
                int k = j;
                while (k < sql.Length && (char.IsAsciiLetterOrDigit(sql[k]) || sql[k] == '_'))
                {
                    k++;
                }

                tokens.Add(new SqlToken(k > j && !IsSuffix(sql[j..k]) ? SqlTokenKind.Word : SqlTokenKind.Number, sql[i..k], tokenLine, before));
                i = k;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                int j = i;
                while (j < sql.Length && (char.IsLetterOrDigit(sql[j]) || sql[j] is '_' or '$'))
                {
                    j++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Word, sql[i..j], tokenLine, before));
                i = j;
            }
            else
            {
                string symbol = MultiCharSymbols.FirstOrDefault(s => string.CompareOrdinal(sql, i, s, 0, s.Length) == 0) ?? c.ToString();
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, symbol, tokenLine, before));
                i += symbol.Length;
            }
        }

        if (leading.Length > 0)
        {
            tokens.Add(new SqlToken(SqlTokenKind.Symbol, string.Empty, line, leading.ToString()));
        }

        return tokens;
    }

    /// <summary>Gets whether <paramref name="suffix"/> is one of Spark's numeric literal suffixes.</summary>
    private static bool IsSuffix(string suffix) =>
        suffix.ToUpperInvariant() is "L" or "S" or "Y" or "D" or "F" or "BD";

    private static char Peek(string sql, int i) => i < sql.Length ? sql[i] : '\0';

    /// <summary>Reads a string literal starting at the quote; returns the decoded value, the index after it and the line breaks inside.</summary>
    private static (string Value, int End, int Lines) ReadString(string sql, int quoteAt, bool raw)
    {
        char quote = sql[quoteAt];
        var value = new StringBuilder();
        int lines = 0;
        int i = quoteAt + 1;
        while (i < sql.Length)
        {
            char c = sql[i];
            lines += c == '\n' ? 1 : 0;
            if (c == quote)
            {
                return (value.ToString(), i + 1, lines);
            }

            if (c == '\\' && i + 1 < sql.Length)
            {
                if (raw)
                {
                    // A raw string keeps the backslash; it still cannot end at an escaped quote.
                    value.Append(c).Append(sql[i + 1]);
                    i += 2;
                    continue;
                }

                i = Unescape(sql, i, value);
                continue;
            }

            value.Append(c);
            i++;
        }

        return (value.ToString(), -1, lines);
    }

    /// <summary>Decodes one escape the way Spark's <c>ParserUtils.unescapeSQLString</c> does; returns the index after it.</summary>
    private static int Unescape(string sql, int i, StringBuilder value)
    {
        char n = sql[i + 1];
        if (n == 'u' && i + 5 < sql.Length && int.TryParse(sql.AsSpan(i + 2, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out int code))
        {
            value.Append((char)code);
            return i + 6;
        }

        if (i + 3 < sql.Length && n is >= '0' and <= '3' && sql[i + 2] is >= '0' and <= '7' && sql[i + 3] is >= '0' and <= '7')
        {
            value.Append((char)(((n - '0') * 64) + ((sql[i + 2] - '0') * 8) + (sql[i + 3] - '0')));
            return i + 4;
        }

        switch (n)
        {
            case '0': value.Append('\0'); break;
            case 'b': value.Append('\b'); break;
            case 'n': value.Append('\n'); break;
            case 'r': value.Append('\r'); break;
            case 't': value.Append('\t'); break;
            case 'Z': value.Append('\u001A'); break;

            // LIKE patterns keep \% and \_ escaped, as Spark does.
            case '%' or '_': value.Append('\\').Append(n); break;
            default: value.Append(n); break;
        }

        return i + 2;
    }
}
