using System.Text;

namespace Serverless.Spark.Dialect;

/// <summary>
/// Converts a Spark (Java <c>DateTimeFormatter</c>) datetime pattern such as <c>yyyy-MM-dd HH:mm:ss</c> into the
/// strftime/strptime pattern DuckDB understands. The conversion runs once per statement, at rewrite time; letters
/// with no exact strftime equivalent (era, quarter, zone names and offsets, week-based fields) are refused rather
/// than approximated, so a pattern never formats differently than it would on Spark.
/// </summary>
internal static class SparkDateTimePattern
{
    /// <summary>Converts a pattern.</summary>
    /// <param name="pattern">The Spark pattern.</param>
    /// <param name="parsing">True for parsing (<c>to_date</c>, <c>to_timestamp</c>, <c>unix_timestamp</c>), false for formatting.</param>
    /// <param name="error">Why the pattern cannot be converted, or null.</param>
    /// <returns>The strftime pattern, or null when <paramref name="error"/> is set.</returns>
    public static string? Convert(string pattern, bool parsing, out string? error)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var result = new StringBuilder();
        error = null;
        int i = 0;
        while (i < pattern.Length)
        {
            char c = pattern[i];
            if (c == '\'')
            {
                // 'text' is literal text; '' is one quote, inside or outside quoted text.
                if (i + 1 < pattern.Length && pattern[i + 1] == '\'')
                {
                    result.Append('\'');
                    i += 2;
                    continue;
                }

                int j = i + 1;
                while (j < pattern.Length)
                {
                    if (pattern[j] == '\'' && j + 1 < pattern.Length && pattern[j + 1] == '\'')
                    {
                        result.Append('\'');
                        j += 2;
                        continue;
                    }

                    if (pattern[j] == '\'')
                    {
                        break;
                    }

                    Literal(result, pattern[j]);
                    j++;
                }

                if (j >= pattern.Length)
                {
                    error = $"the datetime pattern '{pattern}' has an unclosed quote.";
                    return null;
                }

                i = j + 1;
                continue;
            }

            if (!char.IsAsciiLetter(c))
            {
                if (c is '[' or ']' or '{' or '}' or '#')
                {
                    error = $"the datetime pattern '{pattern}' uses '{c}', which Spark reserves (optional sections are not supported).";
                    return null;
                }

                Literal(result, c);
                i++;
                continue;
            }

            int count = 1;
            while (i + count < pattern.Length && pattern[i + count] == c)
            {
                count++;
            }

            string? code = Code(c, count, parsing);
            if (code is null)
            {
                error = $"the datetime pattern letter '{new string(c, count)}' in '{pattern}' is not supported by the local dialect.";
                return null;
            }

            result.Append(code);
            i += count;
        }

        return result.ToString();
    }

    private static void Literal(StringBuilder result, char c) => result.Append(c == '%' ? "%%" : c.ToString());

    /// <summary>Gets the strftime code of <paramref name="count"/> repetitions of <paramref name="letter"/>.</summary>
    /// <remarks>
    /// Formatting honours Spark's padding (<c>d</c> is 8, <c>dd</c> is 08); strptime reads one or two digits for
    /// either, which is how Spark's lenient parsing of those fields behaves for valid dates.
    /// </remarks>
    private static string? Code(char letter, int count, bool parsing)
    {
        string Padded(string padded, string unpadded) => parsing || count >= 2 ? (count <= 2 ? padded : string.Empty) : unpadded;

        string? code = letter switch
        {
            'y' => count == 2 ? "%y" : "%Y",
            'M' or 'L' => count switch
            {
                1 => parsing ? "%m" : "%-m",
                2 => "%m",
                3 => "%b",
                4 => "%B",
                _ => null,
            },
            'd' => Padded("%d", "%-d"),
            'D' => count switch
            {
                1 => parsing ? "%j" : "%-j",
                3 => "%j",
                _ => null,
            },
            'E' => count <= 3 ? "%a" : count == 4 ? "%A" : null,
            'a' => count == 1 ? "%p" : null,
            'h' => Padded("%I", "%-I"),
            'H' => Padded("%H", "%-H"),
            'm' => Padded("%M", "%-M"),
            's' => Padded("%S", "%-S"),
            'S' => count switch
            {
                3 => "%g",
                6 => "%f",
                9 => "%n",
                _ => null,
            },
            _ => null,
        };
        return code is { Length: 0 } ? null : code;
    }
}
