using System.Globalization;

namespace Serverless.Pipelines.Templating.Syntax;

/// <summary>
/// Parses the lexer's tokens into a tree with Jinja's grammar and operator precedence (<c>parser.py</c>: <c>or</c> &lt;
/// <c>and</c> &lt; <c>not</c> &lt; comparisons &lt; <c>+ -</c> &lt; <c>~</c> &lt; <c>* / // %</c> &lt; <c>**</c> &lt;
/// unary &lt; filters and tests &lt; attribute, item and call). A bad tag is reported and skipped and parsing goes on,
/// so a check reports every problem, not only the first.
/// </summary>
internal sealed class TemplateParser
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

    private TemplateNode? ParseStatement(Token begin)
    {
        var keyword = Current;
        if (keyword.Kind != TokenKind.Name || !(Statements.Contains(keyword.Value, StringComparer.Ordinal) || Closers.Contains(keyword.Value, StringComparer.Ordinal)))
        {
            Report(Error(keyword, $"unknown tag {Describe(keyword)}: the template language has if / elif / else / endif, for / else / endfor, set, macro / endmacro, raw / endraw"));
            SkipTag();
            return null;
        }

        if (Closers.Contains(keyword.Value, StringComparer.Ordinal))
        {
            Report(Error(keyword, $"unexpected '{{% {keyword.Value} %}}': no open block takes it here"));
            SkipTag();
            return null;
        }

        index++;
        try
        {
            Enter(begin);
            return keyword.Value switch
            {
                "if" => ParseIf(begin),
                "for" => ParseFor(begin),
                "set" => Guard<TemplateNode?>(() => ParseSet(begin), null),
                _ => ParseMacro(begin),
            };
        }
        catch (TemplateException error)
        {
            // Only the nesting bound gets here (tags guard their own problems): what follows cannot be trusted to nest.
            Report(error);
            index = tokens.Count - 1;
            return null;
        }
        finally
        {
            depth--;
        }
    }

    private void Unclosed(Token begin, string tag, string end) =>
        Report(Error(begin, $"'{{% {tag} %}}' is not closed with '{{% {end} %}}'"));

    private IfNode ParseIf(Token begin)
    {
        var fallback = new LiteralExpression(begin.Line, begin.Column, false);
        var branches = new List<(Expression, IReadOnlyList<TemplateNode>)>();
        var condition = Guard(() => { var c = ParseExpression(); ExpectBlockEnd(); return c; }, (Expression)fallback);
        IReadOnlyList<TemplateNode> otherwise = [];
        while (true)
        {
            var body = ParseBody(["elif", "else", "endif"], out var terminator);
            branches.Add((condition, body));
            if (terminator is null)
            {
                Unclosed(begin, "if", "endif");
                break;
            }

            if (terminator == "elif")
            {
                condition = Guard(() => { var c = ParseExpression(); ExpectBlockEnd(); return c; }, (Expression)fallback);
                continue;
            }

            if (terminator == "else")
            {
                Guard(() => { ExpectBlockEnd(); return true; }, false);
                otherwise = ParseBody(["endif"], out terminator);
                if (terminator is null)
                {
                    Unclosed(begin, "if", "endif");
                    break;
                }
            }

            Guard(() => { ExpectBlockEnd(); return true; }, false);
            break;
        }

        return new IfNode(begin.Line, begin.Column, branches, otherwise);
    }

    private ForNode ParseFor(Token begin)
    {
        var header = Guard<(List<string>, Expression, Expression?)?>(
            () =>
            {
                var targets = new List<string> { Expect(TokenKind.Name, "a loop variable").Value };
                while (Current.IsOperator(","))
                {
                    index++;
                    targets.Add(Expect(TokenKind.Name, "a loop variable").Value);
                }

                if (!Current.IsName("in"))
                {
                    throw Error(Current, $"expected 'in', found {Describe(Current)}");
                }

                index++;
                var iterable = ParseExpression(allowConditional: false);
                Expression? filter = null;
                if (Current.IsName("if"))
                {
                    index++;
                    filter = ParseExpression(allowConditional: false);
                }

                ExpectBlockEnd();
                return (targets, iterable, filter);
            },
            null);
        var body = ParseBody(["else", "endfor"], out var terminator);
        IReadOnlyList<TemplateNode> otherwise = [];
        if (terminator == "else")
        {
            Guard(() => { ExpectBlockEnd(); return true; }, false);
            otherwise = ParseBody(["endfor"], out terminator);
        }

        if (terminator is null)
        {
            Unclosed(begin, "for", "endfor");
        }
        else
        {
            Guard(() => { ExpectBlockEnd(); return true; }, false);
        }

        var (names, source, where) = header ?? ([], new ListExpression(begin.Line, begin.Column, []), null);
        return new ForNode(begin.Line, begin.Column, names, source, where, body, otherwise);
    }

    private SetNode ParseSet(Token begin)
    {
        var targets = new List<string> { Expect(TokenKind.Name, "a variable name").Value };
        while (Current.IsOperator(","))
        {
            index++;
            targets.Add(Expect(TokenKind.Name, "a variable name").Value);
        }

        if (Current.Kind == TokenKind.BlockEnd)
        {
            throw Error(Current, "the block form '{% set x %}…{% endset %}' is not supported: write '{% set x = … %}'");
        }

        ExpectOperator("=");
        var value = ParseExpression();
        if (targets.Count > 1 && Current.IsOperator(","))
        {
            var items = new List<Expression> { value };
            while (Current.IsOperator(","))
            {
                index++;
                items.Add(ParseExpression());
            }

            value = new ListExpression(value.Line, value.Column, items);
        }

        ExpectBlockEnd();
        return new SetNode(begin.Line, begin.Column, targets, value);
    }

    private MacroNode? ParseMacro(Token begin)
    {
        var header = Guard<(string, List<(string, Expression?)>)?>(
            () =>
            {
                var name = Expect(TokenKind.Name, "the macro's name").Value;
                var parameters = new List<(string, Expression?)>();
                ExpectOperator("(");
                while (!Current.IsOperator(")"))
                {
                    var parameter = Expect(TokenKind.Name, "a parameter name").Value;
                    Expression? fallback = null;
                    if (Current.IsOperator("="))
                    {
                        index++;
                        fallback = ParseExpression();
                    }

                    parameters.Add((parameter, fallback));
                    if (!Current.IsOperator(","))
                    {
                        break;
                    }

                    index++;
                }

                ExpectOperator(")");
                ExpectBlockEnd();
                return (name, parameters);
            },
            null);
        var body = ParseBody(["endmacro"], out var terminator);
        if (terminator is null)
        {
            Unclosed(begin, "macro", "endmacro");
        }
        else
        {
            Guard(
                () =>
                {
                    if (Current.Kind == TokenKind.Name)
                    {
                        index++;
                    }

                    ExpectBlockEnd();
                    return true;
                },
                false);
        }

        return header is var (macroName, macroParameters) ? new MacroNode(begin.Line, begin.Column, macroName, macroParameters, body) : null;
    }

    private Expression ParseExpression(bool allowConditional = true)
    {
        var start = Current;
        try
        {
            Enter(start);
            var expression = ParseOr();
            while (allowConditional && Current.IsName("if"))
            {
                index++;
                var condition = ParseOr();
                Expression? otherwise = null;
                if (Current.IsName("else"))
                {
                    index++;
                    otherwise = ParseExpression();
                }

                expression = new ConditionalExpression(start.Line, start.Column, expression, condition, otherwise);
            }

            return expression;
        }
        finally
        {
            depth--;
        }
    }

    private Expression ParseOr()
    {
        var left = ParseAnd();
        while (Current.IsName("or"))
        {
            var op = Advance();
            left = new BinaryExpression(op.Line, op.Column, "or", left, ParseAnd());
        }

        return left;
    }

    private Expression ParseAnd()
    {
        var left = ParseNot();
        while (Current.IsName("and"))
        {
            var op = Advance();
            left = new BinaryExpression(op.Line, op.Column, "and", left, ParseNot());
        }

        return left;
    }

    private Expression ParseNot()
    {
        if (Current.IsName("not"))
        {
            var op = Advance();
            try
            {
                Enter(op);
                return new UnaryExpression(op.Line, op.Column, "not", ParseNot());
            }
            finally
            {
                depth--;
            }
        }

        return ParseCompare();
    }

    private Expression ParseCompare()
    {
        var first = ParseMath1();
        var rest = new List<(string, Expression)>();
        while (true)
        {
            string op;
            if (Current.Kind == TokenKind.Operator && Current.Value is "==" or "!=" or "<" or "<=" or ">" or ">=")
            {
                op = Advance().Value;
            }
            else if (Current.IsName("in"))
            {
                index++;
                op = "in";
            }
            else if (Current.IsName("not") && tokens[index + 1].IsName("in"))
            {
                index += 2;
                op = "not in";
            }
            else
            {
                break;
            }

            rest.Add((op, ParseMath1()));
        }

        return rest.Count == 0 ? first : new CompareExpression(first.Line, first.Column, first, rest);
    }

    private Expression ParseMath1()
    {
        var left = ParseConcat();
        while (Current.IsOperator("+") || Current.IsOperator("-"))
        {
            var op = Advance();
            left = new BinaryExpression(op.Line, op.Column, op.Value, left, ParseConcat());
        }

        return left;
    }

    private Expression ParseConcat()
    {
        var left = ParseMath2();
        while (Current.IsOperator("~"))
        {
            var op = Advance();
            left = new BinaryExpression(op.Line, op.Column, "~", left, ParseMath2());
        }

        return left;
    }

    private Expression ParseMath2()
    {
        var left = ParsePow();
        while (Current.Kind == TokenKind.Operator && Current.Value is "*" or "/" or "//" or "%")
        {
            var op = Advance();
            left = new BinaryExpression(op.Line, op.Column, op.Value, left, ParsePow());
        }

        return left;
    }

    private Expression ParsePow()
    {
        var left = ParseUnary(withFilter: true);
        while (Current.IsOperator("**"))
        {
            var op = Advance();
            left = new BinaryExpression(op.Line, op.Column, "**", left, ParseUnary(withFilter: true));
        }

        return left;
    }

    private Expression ParseUnary(bool withFilter)
    {
        Expression node;
        if (Current.IsOperator("-") || Current.IsOperator("+"))
        {
            var op = Advance();
            try
            {
                Enter(op);
                node = new UnaryExpression(op.Line, op.Column, op.Value, ParseUnary(withFilter: false));
            }
            finally
            {
                depth--;
            }
        }
        else
        {
            node = ParsePostfix(ParsePrimary());
        }

        return withFilter ? ParseFilters(node) : node;
    }

    private Expression ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Name:
                index++;
                return token.Value switch
                {
                    "true" or "True" => new LiteralExpression(token.Line, token.Column, true),
                    "false" or "False" => new LiteralExpression(token.Line, token.Column, false),
                    "none" or "None" => new LiteralExpression(token.Line, token.Column, null),
                    _ => new NameExpression(token.Line, token.Column, token.Value),
                };
            case TokenKind.String:
                var text = Advance().Value;
                while (Current.Kind == TokenKind.String)
                {
                    // Adjacent string literals join, as in Python and Jinja.
                    text += Advance().Value;
                }

                return new LiteralExpression(token.Line, token.Column, text);
            case TokenKind.Integer:
                index++;
                return long.TryParse(token.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var integer)
                    ? new LiteralExpression(token.Line, token.Column, integer)
                    : throw Error(token, $"the integer {token.Value} is too large");
            case TokenKind.Float:
                index++;
                return new LiteralExpression(token.Line, token.Column, double.Parse(token.Value, NumberStyles.Float, CultureInfo.InvariantCulture));
            case TokenKind.Operator when token.Value == "(":
                index++;
                var inner = ParseExpression();
                if (Current.IsOperator(","))
                {
                    var items = new List<Expression> { inner };
                    while (Current.IsOperator(","))
                    {
                        index++;
                        if (Current.IsOperator(")"))
                        {
                            break;
                        }

                        items.Add(ParseExpression());
                    }

                    inner = new ListExpression(token.Line, token.Column, items);
                }

                ExpectOperator(")");
                return inner;
            case TokenKind.Operator when token.Value == "[":
                index++;
                var list = new List<Expression>();
                while (!Current.IsOperator("]"))
                {
                    list.Add(ParseExpression());
                    if (!Current.IsOperator(","))
                    {
                        break;
                    }

                    index++;
                }

                ExpectOperator("]");
                return new ListExpression(token.Line, token.Column, list);
            case TokenKind.Operator when token.Value == "{":
                index++;
                var pairs = new List<(Expression, Expression)>();
                while (!Current.IsOperator("}"))
                {
                    var key = ParseExpression();
                    ExpectOperator(":");
                    pairs.Add((key, ParseExpression()));
                    if (!Current.IsOperator(","))
                    {
                        break;
                    }

                    index++;
                }

                ExpectOperator("}");
                return new DictExpression(token.Line, token.Column, pairs);
            default:
                throw Error(token, $"expected a value, found {Describe(token)}");
        }
    }

    private Expression ParsePostfix(Expression node)
    {
        while (true)
        {
            var token = Current;
            if (token.IsOperator("."))
            {
                index++;
                var name = Current;
                if (name.Kind == TokenKind.Integer)
                {
                    index++;
                    node = new ItemExpression(node.Line, node.Column, node, new LiteralExpression(name.Line, name.Column, long.Parse(name.Value, CultureInfo.InvariantCulture)));
                    continue;
                }

                var attribute = Expect(TokenKind.Name, "an attribute name after '.'").Value;
                if (node is NameExpression { Name: "outputs" or "tasks" })
                {
                    attribute = JoinHyphenatedTaskId(attribute);
                }

                node = new AttributeExpression(node.Line, node.Column, node, attribute);
            }
            else if (token.IsOperator("["))
            {
                index++;
                var key = ParseExpression();
                if (Current.IsOperator(":"))
                {
                    throw Error(Current, "slices ('[a:b]') are not supported");
                }

                ExpectOperator("]");
                node = new ItemExpression(node.Line, node.Column, node, key);
            }
            else if (token.IsOperator("("))
            {
                var (arguments, named) = ParseArguments();
                node = new CallExpression(node.Line, node.Column, node, arguments, named);
            }
            else
            {
                return node;
            }
        }
    }

    /// <summary>
    /// Joins <c>top-routes</c> back into one name after <c>outputs.</c> or <c>tasks.</c>: task ids may contain '-', the
    /// template language before the Jinja subset accepted <c>{{ outputs.top-routes.routes }}</c>, and in that position a
    /// subtraction makes no sense. Only touching tokens join (<c>a - b</c> with spaces stays a subtraction).
    /// </summary>
    private string JoinHyphenatedTaskId(string first)
    {
        var name = first;
        while (Current.IsOperator("-") && tokens[index - 1].End == Current.Start
            && tokens[index + 1].Kind is TokenKind.Name or TokenKind.Integer && tokens[index + 1].Start == Current.End)
        {
            name += "-" + tokens[index + 1].Value;
            index += 2;
        }

        return name;
    }

    private (List<Expression> Arguments, List<(string, Expression)> Named) ParseArguments()
    {
        ExpectOperator("(");
        var arguments = new List<Expression>();
        var named = new List<(string, Expression)>();
        while (!Current.IsOperator(")"))
        {
            if (Current.Kind == TokenKind.Name && tokens[index + 1].IsOperator("="))
            {
                var name = Advance().Value;
                index++;
                named.Add((name, ParseExpression()));
            }
            else
            {
                if (named.Count > 0)
                {
                    throw Error(Current, "a positional argument follows a named one");
                }

                arguments.Add(ParseExpression());
            }

            if (!Current.IsOperator(","))
            {
                break;
            }

            index++;
        }

        ExpectOperator(")");
        return (arguments, named);
    }

    private Expression ParseFilters(Expression node)
    {
        while (true)
        {
            if (Current.IsOperator("|"))
            {
                index++;
                var name = Expect(TokenKind.Name, "a filter name after '|'");
                List<Expression> arguments = [];
                List<(string, Expression)> named = [];
                if (Current.IsOperator("("))
                {
                    (arguments, named) = ParseArguments();
                }

                node = new FilterExpression(name.Line, name.Column, node, name.Value, arguments, named);
            }
            else if (Current.IsName("is"))
            {
                index++;
                var negated = false;
                if (Current.IsName("not"))
                {
                    index++;
                    negated = true;
                }

                var name = Expect(TokenKind.Name, "a test name after 'is'");
                List<Expression> arguments = [];
                if (Current.IsOperator("("))
                {
                    (arguments, _) = ParseArguments();
                }

                node = new TestExpression(name.Line, name.Column, node, name.Value, arguments, negated);
            }
            else
            {
                return node;
            }
        }
    }
}
