using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Serverless.Pipelines.Templating.Syntax;

/// <summary>
/// Splits a template into text and the tokens inside its tags, as Jinja's lexer does with the default delimiters
/// (<c>{{ }}</c>, <c>{% %}</c>, <c>{# #}</c>). Comments are dropped and whitespace control (<c>{%-</c>, <c>-%}</c>, …)
/// is applied here, so the parser sees only the text that renders. A tag that cannot be read is reported and skipped,
/// so one bad tag does not hide the problems of the rest.
/// </summary>
internal sealed partial class TemplateLexer
{
    private static readonly string[] Operators = ["//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<", ">", "=", "(", ")", "[", "]", "{", "}", ",", ".", ":", "|"];

    private readonly string template;
    private readonly List<int> lineStarts = [0];
    private readonly List<Token> tokens = [];
    private readonly List<TemplateProblem> problems;
    private bool stripNextText;

    private TemplateLexer(string template, List<TemplateProblem> problems)
    {
        this.template = template;
        this.problems = problems;
        for (var i = 0; i < template.Length; i++)
        {
            if (template[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }
    }

    /// <summary>Reads a template's tokens, ending with <see cref="TokenKind.End"/>.</summary>
    /// <param name="template">The template text.</param>
    /// <param name="problems">Where lexical problems are added.</param>
    /// <returns>The tokens.</returns>
    public static IReadOnlyList<Token> Read(string template, List<TemplateProblem> problems)
    {
        var lexer = new TemplateLexer(template, problems);
        lexer.ReadAll();
        return lexer.tokens;
    }

    [GeneratedRegex(@"\G\{%([-+]?)\s*raw\s*([-+]?)%\}", RegexOptions.CultureInvariant)]
    private static partial Regex RawBegin();

    [GeneratedRegex(@"\{%([-+]?)\s*endraw\s*([-+]?)%\}", RegexOptions.CultureInvariant)]
    private static partial Regex RawEnd();

    private (int Line, int Column) Position(int offset)
    {
        var index = lineStarts.BinarySearch(offset);
        if (index < 0)
        {
            index = ~index - 1;
        }

        return (index + 1, offset - lineStarts[index] + 1);
    }

    private void Problem(int offset, string message)
    {
        var (line, column) = Position(offset);
        problems.Add(new TemplateProblem(line, column, "template error: " + message));
    }

    private void Add(TokenKind kind, string value, int start, int end)
    {
        var (line, column) = Position(start);
        tokens.Add(new Token(kind, value, line, column, start, end));
    }

    private void ReadAll()
    {
        var position = 0;
        while (position < template.Length)
        {
            var open = FindTagStart(position);
            if (open < 0)
            {
                AddText(position, template.Length, stripEnd: false);
                break;
            }

            var stripBefore = open + 2 < template.Length && template[open + 2] == '-';
            AddText(position, open, stripBefore);
            var next = template[open + 1] switch
            {
                '#' => ReadComment(open),
                '%' when RawBegin().Match(template, open) is { Success: true } raw => ReadRaw(open, raw),
                '%' => ReadTag(open, TokenKind.BlockBegin, TokenKind.BlockEnd, "%}"),
                _ => ReadTag(open, TokenKind.PrintBegin, TokenKind.PrintEnd, "}}"),
            };
            if (next < 0)
            {
                break;
            }

            position = next;
        }

        Add(TokenKind.End, string.Empty, template.Length, template.Length);
    }

    private int FindTagStart(int from)
    {
        var index = from;
        while (true)
        {
            index = template.IndexOf('{', index);
            if (index < 0 || index + 1 >= template.Length)
            {
                return -1;
            }

            if (template[index + 1] is '{' or '%' or '#')
            {
                return index;
            }

            index++;
        }
    }

    private void AddText(int start, int end, bool stripEnd)
    {
        var from = start;
        if (stripNextText)
        {
            while (from < end && char.IsWhiteSpace(template[from]))
            {
                from++;
            }

            stripNextText = false;
        }

        var to = end;
        if (stripEnd)
        {
            while (to > from && char.IsWhiteSpace(template[to - 1]))
            {
                to--;
            }
        }

        if (to > from)
        {
            Add(TokenKind.Text, template[from..to], from, to);
        }
    }

    private int ReadComment(int open)
    {
        var close = template.IndexOf("#}", open + 2, StringComparison.Ordinal);
        if (close < 0)
        {
            Problem(open, "'{#' is not closed with '#}'");
            return -1;
        }

        stripNextText = close > open + 2 && template[close - 1] == '-';
        return close + 2;
    }

    private int ReadRaw(int open, Match begin)
    {
        var end = RawEnd().Match(template, begin.Index + begin.Length);
        if (!end.Success)
        {
            Problem(open, "'{% raw %}' is not closed with '{% endraw %}'");
            return -1;
        }

        var from = begin.Index + begin.Length;
        var to = end.Index;
        if (begin.Groups[2].Value == "-")
        {
            while (from < to && char.IsWhiteSpace(template[from]))
            {
                from++;
            }
        }

        if (end.Groups[1].Value == "-")
        {
            while (to > from && char.IsWhiteSpace(template[to - 1]))
            {
                to--;
            }
        }

        if (to > from)
        {
            Add(TokenKind.Text, template[from..to], from, to);
        }

        stripNextText = end.Groups[2].Value == "-";
        return end.Index + end.Length;
    }

    private int ReadTag(int open, TokenKind begin, TokenKind endKind, string close)
    {
        var firstToken = tokens.Count;
        var position = open + 2;
        if (position < template.Length && template[position] is '-' or '+')
        {
            position++;
        }

        Add(begin, template[open..position], open, position);
        while (true)
        {
            while (position < template.Length && char.IsWhiteSpace(template[position]))
            {
                position++;
            }

            if (position >= template.Length)
            {
                Problem(open, $"'{template.Substring(open, 2)}' is not closed with '{close}'");
                tokens.RemoveRange(firstToken, tokens.Count - firstToken);
                return -1;
            }

            var marker = template[position];
            if (marker is '-' or '+' && string.CompareOrdinal(template, position + 1, close, 0, 2) == 0)
            {
                stripNextText = marker == '-';
                Add(endKind, template.Substring(position, 3), position, position + 3);
                return position + 3;
            }

            if (string.CompareOrdinal(template, position, close, 0, 2) == 0)
            {
                stripNextText = false;
                Add(endKind, close, position, position + 2);
                return position + 2;
            }

            var next = ReadToken(position);
            if (next < 0)
            {
                // Skip the rest of the tag, so later tags are still read and checked.
                tokens.RemoveRange(firstToken, tokens.Count - firstToken);
                var end = template.IndexOf(close, position, StringComparison.Ordinal);
                if (end < 0)
                {
                    return -1;
                }

                stripNextText = template[end - 1] == '-';
                return end + 2;
            }

            position = next;
        }
    }

    private int ReadToken(int start)
    {
        var c = template[start];
        if (char.IsAsciiLetter(c) || c == '_')
        {
            var end = start + 1;
            while (end < template.Length && (char.IsAsciiLetterOrDigit(template[end]) || template[end] == '_'))
            {
                end++;
            }

            Add(TokenKind.Name, template[start..end], start, end);
            return end;
        }

        if (char.IsAsciiDigit(c))
        {
            return ReadNumber(start);
        }

        if (c is '\'' or '"')
        {
            return ReadString(start);
        }

        foreach (var op in Operators)
        {
            if (string.CompareOrdinal(template, start, op, 0, op.Length) == 0)
            {
                Add(TokenKind.Operator, op, start, start + op.Length);
                return start + op.Length;
            }
        }

        Problem(start, $"unexpected character '{c}'");
        return -1;
    }

    private int ReadNumber(int start)
    {
        var end = start;
        static bool Digit(char x) => char.IsAsciiDigit(x) || x == '_';
        while (end < template.Length && Digit(template[end]))
        {
            end++;
        }

        var isFloat = false;
        if (end + 1 < template.Length && template[end] == '.' && char.IsAsciiDigit(template[end + 1]))
        {
            isFloat = true;
            end++;
            while (end < template.Length && Digit(template[end]))
            {
                end++;
            }
        }

        if (end < template.Length && template[end] is 'e' or 'E')
        {
            var exponent = end + 1;
            if (exponent < template.Length && template[exponent] is '+' or '-')
            {
                exponent++;
            }

            if (exponent < template.Length && char.IsAsciiDigit(template[exponent]))
            {
                isFloat = true;
                end = exponent;
                while (end < template.Length && char.IsAsciiDigit(template[end]))
                {
                    end++;
                }
            }
        }

        Add(isFloat ? TokenKind.Float : TokenKind.Integer, template[start..end].Replace("_", string.Empty, StringComparison.Ordinal), start, end);
        return end;
    }

    private int ReadString(int start)
    {
        var quote = template[start];
        var text = new StringBuilder();
        var i = start + 1;
        while (i < template.Length && template[i] != quote)
        {
            if (template[i] == '\\' && i + 1 < template.Length)
            {
                var escaped = template[i + 1];
                text.Append(escaped switch
                {
                    'n' => "\n",
                    't' => "\t",
                    'r' => "\r",
                    '\\' or '\'' or '"' => escaped.ToString(),
                    _ => "\\" + escaped.ToString(CultureInfo.InvariantCulture),
                });
                i += 2;
                continue;
            }

            text.Append(template[i]);
            i++;
        }

        if (i >= template.Length)
        {
            Problem(start, "the string is not closed");
            return -1;
        }

        Add(TokenKind.String, text.ToString(), start, i + 1);
        return i + 1;
    }
}
