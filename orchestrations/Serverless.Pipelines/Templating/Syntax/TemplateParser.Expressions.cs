using System.Globalization;

namespace Serverless.Pipelines.Templating.Syntax;

/// <summary>The expressions of <see cref="TemplateParser"/>, one method per precedence level, lowest first.</summary>
internal sealed partial class TemplateParser
{
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

            if (depth == 1 && TreeDepth(expression) > TemplateLimits.MaxExpressionDepth)
            {
                throw Error(start, $"the expression is nested deeper than {TemplateLimits.MaxExpressionDepth} levels (operators, filters and attributes count)");
            }

            return expression;
        }
        finally
        {
            depth--;
        }
    }

    /// <summary>Gets an expression tree's depth without recursion, so a hostile chain cannot overflow the stack here either.</summary>
    private static int TreeDepth(Expression root)
    {
        var deepest = 0;
        var pending = new Stack<(Expression Node, int Level)>();
        pending.Push((root, 1));
        while (pending.Count > 0)
        {
            var (node, level) = pending.Pop();
            deepest = Math.Max(deepest, level);
            foreach (var child in Children(node))
            {
                pending.Push((child, level + 1));
            }
        }

        return deepest;
    }

    private static IEnumerable<Expression> Children(Expression node) => node switch
    {
        ListExpression l => l.Items,
        DictExpression d => d.Pairs.SelectMany(p => new[] { p.Key, p.Value }),
        AttributeExpression a => [a.Target],
        ItemExpression i => [i.Target, i.Key],
        CallExpression c => c.Arguments.Append(c.Callee).Concat(c.NamedArguments.Select(n => n.Value)),
        FilterExpression f => f.Arguments.Append(f.Value).Concat(f.NamedArguments.Select(n => n.Value)),
        TestExpression t => t.Arguments.Append(t.Value),
        UnaryExpression u => [u.Operand],
        BinaryExpression b => [b.Left, b.Right],
        CompareExpression c => c.Rest.Select(r => r.Operand).Append(c.First),
        ConditionalExpression c => c.Otherwise is null ? [c.Then, c.Condition] : [c.Then, c.Condition, c.Otherwise],
        _ => [],
    };

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
