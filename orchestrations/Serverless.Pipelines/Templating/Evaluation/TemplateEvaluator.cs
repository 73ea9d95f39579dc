using System.Runtime.CompilerServices;
using System.Text;
using Serverless.Pipelines.Templating.Syntax;

namespace Serverless.Pipelines.Templating.Evaluation;

/// <summary>
/// Renders a parsed template against a task instance's context, with Jinja's semantics for the subset: Python-like
/// values and operators, <c>StrictUndefined</c> (Airflow's default), loops with <c>loop.*</c>, scoped <c>set</c>, and the
/// bounds of <see cref="TemplateLimits"/>. Every failure is a <see cref="TemplateException"/> at the expression's position.
/// </summary>
internal sealed class TemplateEvaluator
{
    private readonly TemplateContext context;
    private readonly Dictionary<string, object?> globals = new(StringComparer.Ordinal);
    private Scope scope = new(null);
    private int iterations;
    private int calls;
    private int outputLength;

    private TemplateEvaluator(TemplateContext context) => this.context = context;

    /// <summary>Renders a template.</summary>
    /// <param name="nodes">The parsed template.</param>
    /// <param name="context">The values.</param>
    /// <returns>The text.</returns>
    public static string Render(IReadOnlyList<TemplateNode> nodes, TemplateContext context)
    {
        var text = new StringBuilder();
        new TemplateEvaluator(context).Execute(nodes, text);
        return text.ToString();
    }

    /// <summary>Gets an expression as written, as far as it is a path, for messages: <c>params.x</c>, <c>outputs['a'].o</c>.</summary>
    /// <param name="expression">The expression.</param>
    /// <returns>The text.</returns>
    public static string PathText(Expression expression) => expression switch
    {
        NameExpression n => n.Name,
        AttributeExpression a => PathText(a.Target) + "." + a.Name,
        ItemExpression { Key: LiteralExpression { Value: string s } } i => $"{PathText(i.Target)}['{s}']",
        ItemExpression { Key: LiteralExpression { Value: long l } } i => $"{PathText(i.Target)}[{l}]",
        ItemExpression i => PathText(i.Target) + "[…]",
        CallExpression c => PathText(c.Callee) + "(…)",
        _ => "…",
    };

    private static TemplateException Error(TemplateNode at, string message) => new(message, at.Line, at.Column);

    private static TemplateException Error(Expression at, string message) => new(message, at.Line, at.Column);

    private static bool IsValueError(Exception e) => e is InvalidOperationException or OverflowException or ArgumentException or FormatException or DivideByZeroException;

    private void Execute(IReadOnlyList<TemplateNode> nodes, StringBuilder text)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case TextNode t:
                    Append(text, t.Text, node);
                    break;
                case PrintNode p:
                    var value = Evaluate(p.Value);
                    try
                    {
                        Append(text, TemplateValues.ToText(value, PathText(p.Value)), node);
                    }
                    catch (InvalidOperationException e)
                    {
                        throw Error(p.Value, e.Message);
                    }

                    break;
                case IfNode i:
                    var taken = i.Otherwise;
                    foreach (var (condition, body) in i.Branches)
                    {
                        if (Truth(condition))
                        {
                            taken = body;
                            break;
                        }
                    }

                    Execute(taken, text);
                    break;
                case ForNode f:
                    ExecuteFor(f, text);
                    break;
                case SetNode s:
                    Assign(s.Targets, Evaluate(s.Value), s);
                    break;
                case MacroNode m:
                    scope.Set(m.Name, DefineMacro(m));
                    break;
            }
        }
    }

    private void Append(StringBuilder text, string piece, TemplateNode at)
    {
        outputLength += piece.Length;
        if (outputLength > TemplateLimits.MaxOutputLength)
        {
            throw Error(at, $"the rendered text is longer than {TemplateLimits.MaxOutputLength} characters");
        }

        text.Append(piece);
    }

    private void Assign(IReadOnlyList<string> targets, object? value, TemplateNode at)
    {
        if (targets.Count == 1)
        {
            scope.Set(targets[0], value);
            return;
        }

        IReadOnlyList<object?> items;
        try
        {
            items = TemplateValues.Iterate(value);
        }
        catch (InvalidOperationException e)
        {
            throw Error(at, e.Message);
        }

        if (items.Count != targets.Count)
        {
            throw Error(at, $"cannot unpack {items.Count} values into {targets.Count} names");
        }

        for (var i = 0; i < targets.Count; i++)
        {
            scope.Set(targets[i], items[i]);
        }
    }

    private void ExecuteFor(ForNode loop, StringBuilder text)
    {
        IReadOnlyList<object?> source;
        var iterable = Evaluate(loop.Iterable);
        try
        {
            source = TemplateValues.Iterate(iterable);
        }
        catch (InvalidOperationException e)
        {
            throw Error(loop.Iterable, e.Message);
        }

        var outer = scope;
        var items = source;
        if (loop.Filter is { } filter)
        {
            // Jinja applies the loop's 'if' before counting, so loop.index and loop.last see only the kept items.
            var kept = new List<object?>();
            foreach (var item in source)
            {
                CountIteration(loop);
                scope = new Scope(outer);
                Assign(loop.Targets, item, loop);
                if (Truth(filter))
                {
                    kept.Add(item);
                }

                scope = outer;
            }

            items = kept;
        }

        try
        {
            for (var i = 0; i < items.Count; i++)
            {
                CountIteration(loop);
                scope = new Scope(outer);
                scope.Set("loop", new Dictionary<string, object?>(StringComparer.Ordinal)
                {
                    ["index"] = (long)i + 1,
                    ["index0"] = (long)i,
                    ["revindex"] = (long)(items.Count - i),
                    ["revindex0"] = (long)(items.Count - i - 1),
                    ["first"] = i == 0,
                    ["last"] = i == items.Count - 1,
                    ["length"] = (long)items.Count,
                });
                Assign(loop.Targets, items[i], loop);
                Execute(loop.Body, text);
            }
        }
        finally
        {
            scope = outer;
        }

        if (items.Count == 0)
        {
            Execute(loop.Otherwise, text);
        }
    }

    private void CountIteration(TemplateNode at)
    {
        if (++iterations > TemplateLimits.MaxLoopIterations)
        {
            throw Error(at, $"the loops ran more than {TemplateLimits.MaxLoopIterations} iterations");
        }
    }

    private TemplateFunction DefineMacro(MacroNode macro)
    {
        var closure = scope;
        return new TemplateFunction(macro.Name, (positional, named) =>
        {
            if (positional.Count > macro.Parameters.Count)
            {
                throw new InvalidOperationException($"the macro '{macro.Name}' takes {macro.Parameters.Count} arguments, got {positional.Count}");
            }

            if (++calls > TemplateLimits.MaxCallDepth)
            {
                throw Error(macro, $"macro calls nested deeper than {TemplateLimits.MaxCallDepth}");
            }

            var caller = scope;
            scope = new Scope(closure);
            try
            {
                for (var i = 0; i < macro.Parameters.Count; i++)
                {
                    var (name, fallback) = macro.Parameters[i];
                    scope.Set(name, i < positional.Count ? positional[i]
                        : named.TryGetValue(name, out var given) ? given
                        : fallback is null ? new Undefined(name, $"the macro '{macro.Name}' was called without it") : Evaluate(fallback));
                }

                foreach (var name in named.Keys.Where(n => !macro.Parameters.Any(p => p.Name == n)))
                {
                    throw new InvalidOperationException($"the macro '{macro.Name}' has no parameter '{name}'");
                }

                var text = new StringBuilder();
                Execute(macro.Body, text);
                return text.ToString();
            }
            finally
            {
                scope = caller;
                calls--;
            }
        });
    }

    private bool Truth(Expression expression)
    {
        var value = Evaluate(expression);
        try
        {
            return TemplateValues.IsTrue(value);
        }
        catch (InvalidOperationException e)
        {
            throw Error(expression, e.Message);
        }
    }

    private object? Evaluate(Expression expression)
    {
        try
        {
            // The bounds keep each template shallow, but macros multiply them; this is the backstop before the stack's end.
            RuntimeHelpers.EnsureSufficientExecutionStack();
            return EvaluateUnchecked(expression);
        }
        catch (InsufficientExecutionStackException)
        {
            throw Error(expression, "the template nests too deeply to render (macro calls inside deep expressions)");
        }
        catch (Exception e) when (IsValueError(e))
        {
            throw Error(expression, e.Message);
        }
    }

    private object? EvaluateUnchecked(Expression expression)
    {
        switch (expression)
        {
            case LiteralExpression l:
                return l.Value;
            case NameExpression n:
                return Lookup(n.Name);
            case ListExpression list:
                return list.Items.Select(Evaluate).ToList();
            case DictExpression dict:
                var map = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var (key, value) in dict.Pairs)
                {
                    map[Evaluate(key) as string ?? throw Error(key, "dict keys must be strings")] = Evaluate(value);
                }

                return map;
            case AttributeExpression a:
                return TemplateMembers.Attribute(Evaluate(a.Target), a.Name, PathText(a));
            case ItemExpression i:
                return TemplateMembers.Item(Evaluate(i.Target), Evaluate(i.Key), PathText(i));
            case CallExpression c:
                var callee = Evaluate(c.Callee);
                var arguments = c.Arguments.Select(Evaluate).ToList();
                var named = c.NamedArguments.ToDictionary(p => p.Name, p => Evaluate(p.Value), StringComparer.Ordinal);
                return callee switch
                {
                    TemplateFunction f => f.Invoke(arguments, named),
                    Undefined u => throw new InvalidOperationException(u.Message),
                    _ => throw new InvalidOperationException($"'{PathText(c.Callee)}' is {TemplateValues.TypeName(callee)}, not a function"),
                };
            case FilterExpression f:
                return TemplateFilters.Apply(
                    f.Name,
                    Evaluate(f.Value),
                    f.Arguments.Select(Evaluate).ToList(),
                    f.NamedArguments.ToDictionary(p => p.Name, p => Evaluate(p.Value), StringComparer.Ordinal));
            case TestExpression t:
                return TemplateTests.Run(t.Name, Evaluate(t.Value), t.Arguments.Select(Evaluate).ToList()) != t.Negated;
            case UnaryExpression u:
                var operand = Evaluate(u.Operand);
                return u.Operator switch
                {
                    "not" => !TemplateValues.IsTrue(operand),
                    "-" => operand switch
                    {
                        long or bool => (object)checked(-TemplateValues.AsLong(operand)),
                        double d => -d,
                        _ => throw new InvalidOperationException($"bad operand type for unary -: {TemplateValues.TypeName(operand)}"),
                    },
                    _ => TemplateValues.IsNumber(operand) ? operand : throw new InvalidOperationException($"bad operand type for unary +: {TemplateValues.TypeName(operand)}"),
                };
            case BinaryExpression { Operator: "and" } b:
                var left = Evaluate(b.Left);
                return TemplateValues.IsTrue(left) ? Evaluate(b.Right) : left;
            case BinaryExpression { Operator: "or" } b:
                var first = Evaluate(b.Left);
                return TemplateValues.IsTrue(first) ? first : Evaluate(b.Right);
            case BinaryExpression b:
                return TemplateArithmetic.Apply(b.Operator, Evaluate(b.Left), Evaluate(b.Right));
            case CompareExpression c:
                var current = Evaluate(c.First);
                foreach (var (op, operandExpression) in c.Rest)
                {
                    var next = Evaluate(operandExpression);
                    var holds = op switch
                    {
                        "==" => TemplateValues.AreEqual(current, next),
                        "!=" => !TemplateValues.AreEqual(current, next),
                        "<" => TemplateValues.Compare(current, next) < 0,
                        "<=" => TemplateValues.Compare(current, next) <= 0,
                        ">" => TemplateValues.Compare(current, next) > 0,
                        ">=" => TemplateValues.Compare(current, next) >= 0,
                        "in" => TemplateValues.Contains(next, current),
                        _ => !TemplateValues.Contains(next, current),
                    };
                    if (!holds)
                    {
                        return false;
                    }

                    current = next;
                }

                return true;
            case ConditionalExpression c:
                return TemplateValues.IsTrue(Evaluate(c.Condition))
                    ? Evaluate(c.Then)
                    : c.Otherwise is { } otherwise ? Evaluate(otherwise) : new Undefined("… if …", "the inline if was false and has no else");
            default:
                throw Error(expression, "unsupported expression");
        }
    }

    private object? Lookup(string name)
    {
        if (scope.TryGet(name, out var local))
        {
            return local;
        }

        if (!globals.TryGetValue(name, out var value))
        {
            value = TemplateGlobals.Resolve(name, context);
            globals[name] = value;
        }

        return value;
    }

    /// <summary>One level of variables: the template's top level, a loop iteration, a macro call.</summary>
    private sealed class Scope(Scope? parent)
    {
        private readonly Dictionary<string, object?> values = new(StringComparer.Ordinal);

        public void Set(string name, object? value) => values[name] = value;

        public bool TryGet(string name, out object? value)
        {
            for (var s = this; s is not null; s = s.Parent)
            {
                if (s.values.TryGetValue(name, out value))
                {
                    return true;
                }
            }

            value = null;
            return false;
        }

        private Scope? Parent => parent;
    }
}
