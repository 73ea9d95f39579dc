using System.Text;

namespace Serverless.Spark.Backends.Local;

/// <summary>
/// Splits an SQL script into statements at <c>;</c> outside quotes and comments. The runner script splits the same
/// way, so a spec's statements are the same on DuckDB and on Spark.
/// </summary>
internal static class SqlStatementSplitter
{
    /// <summary>Splits <paramref name="sql"/> into non-empty statements, trimmed, without the separators.</summary>
    /// <param name="sql">The script.</param>
    /// <returns>The statements.</returns>
    public static IReadOnlyList<string> Split(string sql)
    {
        var statements = new List<string>();
        var current = new StringBuilder();
        char quote = '\0';
        for (int i = 0; i < sql.Length; i++)
        {
            char c = sql[i];
            if (quote != '\0')
            {
                current.Append(c);
                if (c == quote)
                {
                    quote = '\0';
                }

                continue;
            }

            if (c is '\'' or '"' or '`')
            {
                quote = c;
                current.Append(c);
            }
            else if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
            {
                int end = sql.IndexOf('\n', i);
                i = end < 0 ? sql.Length : end;
                current.Append('\n');
            }
            else if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                int end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 1;
                current.Append(' ');
            }
            else if (c == ';')
            {
                Flush(current, statements);
            }
            else
            {
                current.Append(c);
            }
        }

        Flush(current, statements);
        return statements;
    }

    private static void Flush(StringBuilder current, List<string> statements)
    {
        string statement = current.ToString().Trim();
        if (statement.Length > 0)
        {
            statements.Add(statement);
        }

        current.Clear();
    }
}
