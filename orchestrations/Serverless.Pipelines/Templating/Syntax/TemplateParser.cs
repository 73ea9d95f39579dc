namespace Serverless.Pipelines.Templating.Syntax;

/// <summary>
/// Parses the lexer's tokens into a tree with Jinja's grammar and operator precedence (<c>parser.py</c>: <c>or</c> &lt;
/// <c>and</c> &lt; <c>not</c> &lt; comparisons &lt; <c>+ -</c> &lt; <c>~</c> &lt; <c>* / // %</c> &lt; <c>**</c> &lt;
/// unary &lt; filters and tests &lt; attribute, item and call). A bad tag is reported and skipped and parsing goes on,
/// so a check reports every problem, not only the first. The statements (<c>TemplateParser.Statements.cs</c>) and
/// expressions (<c>TemplateParser.Expressions.cs</c>) have their own files.
/// </summary>
internal sealed partial class TemplateParser
{
    private static readonly string[] Statements = ["if", "for", "set", "macro"];
    private static readonly string[] Closers = ["elif", "else", "endif", "endfor", "endmacro", "endset", "endraw"];

    private readonly IReadOnlyList<Token> tokens;
    private readonly List<TemplateProblem> problems;
    private int index;
    private int depth;

    private TemplateParser(IReadOnlyList<Token> tokens, List<TemplateProblem> problems)
    {
        this.tokens = tokens;
        this.problems = problems;
    }

    private Token Current => tokens[index];

    /// <summary>Parses a template's tokens.</summary>
    /// <param name="tokens">The tokens, ending with <see cref="TokenKind.End"/>.</param>
    /// <param name="problems">Where syntax problems are added.</param>
    /// <returns>The template's top-level nodes.</returns>
    public static IReadOnlyList<TemplateNode> Parse(IReadOnlyList<Token> tokens, List<TemplateProblem> problems)
    {
        var parser = new TemplateParser(tokens, problems);
        return parser.ParseBody([], out _);
    }

    private static TemplateException Error(Token at, string message) => new("template error: " + message, at.Line, at.Column);

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end of the template",
        TokenKind.PrintEnd or TokenKind.BlockEnd => $"the end of the tag '{token.Value}'",
        TokenKind.String => $"the string '{token.Value}'",
        _ => $"'{token.Value}'",
    };

    private Token Advance() => tokens[index++];

    private void Report(TemplateException error) => problems.Add(new TemplateProblem(error.Line, error.Column, error.Detail));

    private Token Expect(TokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw Error(Current, $"expected {what}, found {Describe(Current)}");
        }

        return Advance();
    }

    private void ExpectOperator(string op)
    {
        if (!Current.IsOperator(op))
        {
            throw Error(Current, $"expected '{op}', found {Describe(Current)}");
        }

        index++;
    }

    private void ExpectBlockEnd() => Expect(TokenKind.BlockEnd, "'%}'");

    /// <summary>Moves past the end of the current tag, after a problem inside it.</summary>
    private void SkipTag()
    {
        while (Current.Kind is not (TokenKind.PrintEnd or TokenKind.BlockEnd or TokenKind.End))
        {
            index++;
        }

        if (Current.Kind != TokenKind.End)
        {
            index++;
        }
    }

    /// <summary>Runs a tag's parser; on a problem, reports it, skips the tag and returns the fallback.</summary>
    private T Guard<T>(Func<T> parse, T fallback)
    {
        try
        {
            return parse();
        }
        catch (TemplateException error)
        {
            Report(error);
            SkipTag();
            return fallback;
        }
    }

    /// <summary>Counts one level of nesting; the caller undoes it in a <c>finally</c>.</summary>
    private void Enter(Token at)
    {
        // Recursive descent recurses once per level, so the bound also keeps a hostile template from overflowing the stack.
        if (++depth > TemplateLimits.MaxNestingDepth)
        {
            throw Error(at, $"nested deeper than {TemplateLimits.MaxNestingDepth} levels");
        }
    }

    private List<TemplateNode> ParseBody(string[] terminators, out string? terminator)
    {
        var body = new List<TemplateNode>();
        while (true)
        {
            var token = Current;
            switch (token.Kind)
            {
                case TokenKind.End:
                    terminator = null;
                    return body;
                case TokenKind.Text:
                    index++;
                    body.Add(new TextNode(token.Line, token.Column, token.Value));
                    break;
                case TokenKind.PrintBegin:
                    index++;
                    var print = Guard<TemplateNode?>(
                        () =>
                        {
                            var value = ParseExpression();
                            Expect(TokenKind.PrintEnd, "'}}'");
                            return new PrintNode(token.Line, token.Column, value);
                        },
                        null);
                    if (print is not null)
                    {
                        body.Add(print);
                    }

                    break;
                case TokenKind.BlockBegin:
                    var keyword = tokens[index + 1];
                    if (keyword.Kind == TokenKind.Name && terminators.Contains(keyword.Value, StringComparer.Ordinal))
                    {
                        index += 2;
                        terminator = keyword.Value;
                        return body;
                    }

                    index++;
                    if (ParseStatement(token) is { } statement)
                    {
                        body.Add(statement);
                    }

                    break;
                default:
                    // Unreachable with the lexer's output; kept so a stray token cannot loop forever.
                    index++;
                    break;
            }
        }
    }
}
