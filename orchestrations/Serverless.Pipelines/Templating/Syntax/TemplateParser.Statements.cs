namespace Serverless.Pipelines.Templating.Syntax;

/// <summary>The statements of <see cref="TemplateParser"/>: <c>if</c>, <c>for</c>, <c>set</c>, <c>macro</c>.</summary>
internal sealed partial class TemplateParser
{
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
}
