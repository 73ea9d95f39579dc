using Serverless.Pipelines.Templating.Evaluation;
using Serverless.Pipelines.Templating.Syntax;

namespace Serverless.Pipelines.Templating;

/// <summary>
/// Checks a parsed template before any run: unknown filters, tests and macros, wrong argument counts, names that
/// exist nowhere, attributes the built-in objects do not have. References to values only the DAG knows
/// (<see cref="TemplateGlobals.DagNames"/>) are collected for the validator instead. Every problem is reported.
/// </summary>
internal sealed class TemplateChecker
{
    private static readonly string[] LoopMembers = ["first", "index", "index0", "last", "length", "revindex", "revindex0"];

    private readonly List<TemplateProblem> problems;
    private readonly List<TemplateReference> references = [];
    private readonly HashSet<string> templateNames = new(StringComparer.Ordinal);
    private readonly Stack<IReadOnlyCollection<string>> blockNames = new();
    private readonly Stack<IReadOnlyCollection<string>> testedPaths = new();

    private TemplateChecker(List<TemplateProblem> problems) => this.problems = problems;

    /// <summary>Checks a template.</summary>
    /// <param name="nodes">The parsed template.</param>
    /// <param name="problems">Where problems are added.</param>
    /// <returns>The references for the validator.</returns>
    public static IReadOnlyList<TemplateReference> Check(IReadOnlyList<TemplateNode> nodes, List<TemplateProblem> problems)
    {
        var checker = new TemplateChecker(problems);

        // A name set anywhere counts as defined everywhere: order-sensitive scoping would reject templates that are
        // fine at run time, and a name used before its 'set' still fails there, at its line.
        checker.CollectNames(nodes);
        checker.Visit(nodes);
        return checker.references;
    }

    private static string KnownVariables() =>
        string.Join(", ", TemplateGlobals.TextNames.Concat(TemplateGlobals.DateTimeNames)) + ", dag.dag_id, task.task_id, params.NAME, outputs.TASK.OUTPUT, tasks.TASK.values.NAME, var.value.NAME, var.json.NAME, macros.ds_add, macros.ds_format, item, map_index";

    private void Problem(Expression at, string message) => problems.Add(new TemplateProblem(at.Line, at.Column, message));

    private void CollectNames(IReadOnlyList<TemplateNode> nodes)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case SetNode s:
                    templateNames.UnionWith(s.Targets);
                    break;
                case MacroNode m:
                    templateNames.Add(m.Name);
                    CollectNames(m.Body);
                    break;
                case IfNode i:
                    foreach (var (_, body) in i.Branches)
                    {
                        CollectNames(body);
                    }

                    CollectNames(i.Otherwise);
                    break;
                case ForNode f:
                    CollectNames(f.Body);
                    CollectNames(f.Otherwise);
                    break;
            }
        }
    }

    private bool IsLocal(string name) => templateNames.Contains(name) || blockNames.Any(names => names.Contains(name));

    private void Visit(IReadOnlyList<TemplateNode> nodes)
    {
        foreach (var node in nodes)
        {
            switch (node)
            {
                case PrintNode p:
                    Check(p.Value);
                    break;
                case IfNode i:
                    foreach (var (condition, body) in i.Branches)
                    {
                        Check(condition);

                        // Inside '{% if x is defined %}' a missing x is the template's own business, as at run time.
                        testedPaths.Push(DefinedPaths(condition).ToList());
                        Visit(body);
                        testedPaths.Pop();
                    }

                    Visit(i.Otherwise);
                    break;
                case ForNode f:
                    Check(f.Iterable);
                    blockNames.Push([.. f.Targets, "loop"]);
                    if (f.Filter is { } filter)
                    {
                        Check(filter);
                    }

                    Visit(f.Body);
                    blockNames.Pop();
                    Visit(f.Otherwise);
                    break;
                case SetNode s:
                    Check(s.Value);
                    break;
                case MacroNode m:
                    foreach (var (_, fallback) in m.Parameters)
                    {
                        if (fallback is not null)
                        {
                            Check(fallback);
                        }
                    }

                    blockNames.Push(m.Parameters.Select(p => p.Name).ToList());
                    Visit(m.Body);
                    blockNames.Pop();
                    break;
            }
        }
    }

    private static IEnumerable<string> DefinedPaths(Expression condition) => condition switch
    {
        TestExpression { Name: "defined", Negated: false } test when StaticPath(test.Value) is { } path => [path],
        BinaryExpression { Operator: "and" } both => DefinedPaths(both.Left).Concat(DefinedPaths(both.Right)),
        _ => [],
    };

    private static string? StaticPath(Expression expression) => expression switch
    {
        NameExpression n => n.Name,
        AttributeExpression a => StaticPath(a.Target) is { } target ? target + "." + a.Name : null,
        ItemExpression { Key: LiteralExpression { Value: string or long } key } i => StaticPath(i.Target) is { } target ? target + "." + TemplateMembers.KeyText(key.Value) : null,
        _ => null,
    };

    private void Check(Expression expression, bool guarded = false)
    {
        switch (expression)
        {
            case NameExpression or AttributeExpression or ItemExpression:
                CheckPath(expression, guarded, isCall: false);
                break;
            case ListExpression list:
                list.Items.ToList().ForEach(item => Check(item));
                break;
            case DictExpression dict:
                foreach (var (key, value) in dict.Pairs)
                {
                    Check(key);
                    Check(value);
                }

                break;
            case CallExpression call:
                CheckCall(call);
                break;
            case FilterExpression filter:
                if (!TemplateFilters.Known.TryGetValue(filter.Name, out var filterParameters))
                {
                    Problem(filter, "template error: " + TemplateFilters.UnknownFilter(filter.Name));
                }
                else if (filterParameters.Problem($"the filter '{filter.Name}'", filter.Arguments.Count, filter.NamedArguments.Select(a => a.Name)) is { } problem)
                {
                    Problem(filter, "template error: " + problem);
                }

                Check(filter.Value, guarded || TemplateFilters.AcceptsUndefined(filter.Name));
                filter.Arguments.ToList().ForEach(a => Check(a));
                filter.NamedArguments.ToList().ForEach(a => Check(a.Value));
                break;
            case TestExpression test:
                if (!TemplateTests.Known.TryGetValue(test.Name, out var testParameters))
                {
                    Problem(test, "template error: " + TemplateTests.UnknownTest(test.Name));
                }
                else if (testParameters.Problem($"the test '{test.Name}'", test.Arguments.Count, []) is { } problem)
                {
                    Problem(test, "template error: " + problem);
                }

                Check(test.Value, guarded || TemplateTests.AcceptsUndefined(test.Name));
                test.Arguments.ToList().ForEach(a => Check(a));
                break;
            case UnaryExpression unary:
                Check(unary.Operand, guarded);
                break;
            case BinaryExpression binary:
                Check(binary.Left, guarded);
                Check(binary.Right, guarded);
                break;
            case CompareExpression compare:
                Check(compare.First, guarded);
                compare.Rest.ToList().ForEach(r => Check(r.Operand, guarded));
                break;
            case ConditionalExpression conditional:
                Check(conditional.Condition, guarded);
                Check(conditional.Then, guarded);
                if (conditional.Otherwise is { } otherwise)
                {
                    Check(otherwise, guarded);
                }

                break;
        }
    }

    private void CheckCall(CallExpression call)
    {
        if (call.Callee is NameExpression or AttributeExpression or ItemExpression)
        {
            CheckPath(call.Callee, guarded: false, isCall: true);
        }
        else
        {
            Check(call.Callee);
        }

        if (call.Callee is AttributeExpression { Target: NameExpression { Name: "macros" }, Name: var macro } && !IsLocal("macros")
            && AirflowMacros.Known.TryGetValue(macro, out var parameters)
            && parameters.Problem("macros." + macro, call.Arguments.Count, call.NamedArguments.Select(a => a.Name)) is { } problem)
        {
            Problem(call, "template error: " + problem);
        }

        call.Arguments.ToList().ForEach(a => Check(a));
        call.NamedArguments.ToList().ForEach(a => Check(a.Value));
    }

    /// <summary>Checks <c>a.b['c']</c>: the static part of the path from its root name, the dynamic keys as expressions.</summary>
    private void CheckPath(Expression expression, bool guarded, bool isCall)
    {
        var segments = new List<string>();
        var current = expression;
        var dynamic = false;
        while (true)
        {
            if (current is AttributeExpression attribute)
            {
                segments.Insert(0, attribute.Name);
                current = attribute.Target;
            }
            else if (current is ItemExpression { Key: LiteralExpression { Value: string or long } key } item)
            {
                segments.Insert(0, TemplateMembers.KeyText(key.Value));
                current = item.Target;
            }
            else if (current is ItemExpression item2)
            {
                // A key known only at run time: what follows it cannot be checked, what precedes it can.
                Check(item2.Key, guarded);
                segments.Clear();
                dynamic = true;
                current = item2.Target;
            }
            else
            {
                break;
            }
        }

        if (current is NameExpression root)
        {
            CheckName(root, segments, guarded, isCall && !dynamic);
        }
        else
        {
            Check(current, guarded);
        }
    }

    private void CheckName(NameExpression root, List<string> segments, bool guarded, bool isCall)
    {
        var name = root.Name;
        var path = string.Join('.', segments.Prepend(name));
        guarded |= testedPaths.Any(paths => paths.Any(p => path == p || path.StartsWith(p + ".", StringComparison.Ordinal)));
        string? problem = null;
        if (name == "loop" && blockNames.Any(names => names.Contains("loop")))
        {
            problem = segments.Count > 0 && !LoopMembers.Contains(segments[0], StringComparer.Ordinal)
                ? $"loop has {string.Join(", ", LoopMembers)}"
                : null;
        }
        else if (IsLocal(name))
        {
            return;
        }
        else if (TemplateGlobals.DagNames.Contains(name, StringComparer.Ordinal))
        {
            references.Add(new TemplateReference(path, [name, .. segments], root.Line, root.Column, guarded));
            return;
        }
        else if (TemplateGlobals.TextNames.Contains(name, StringComparer.Ordinal))
        {
            problem = segments.Count == 0 || (segments.Count == 1 && TemplateMembers.StringMethods.Contains(segments[0], StringComparer.Ordinal) && isCall)
                ? null
                : $"'{name}' is text; its methods are {string.Join(", ", TemplateMembers.StringMethods)}";
        }
        else if (TemplateGlobals.DateTimeNames.Contains(name, StringComparer.Ordinal))
        {
            problem = segments.Count == 0 || (segments.Count == 1 && TemplateMembers.DateTimeMembers.Contains(segments[0], StringComparer.Ordinal))
                ? null
                : $"'{name}' is a date-time; its members are {string.Join(", ", TemplateMembers.DateTimeMembers)}";
        }
        else
        {
            problem = name switch
            {
                "dag" => segments.Count == 0 || (segments.Count == 1 && segments[0] == "dag_id") ? null : "dag has dag_id",
                "task" => segments.Count == 0 || (segments.Count == 1 && segments[0] == "task_id") ? null : "task has task_id",
                "macros" => segments.Count == 1 && AirflowMacros.Known.ContainsKey(segments[0]) ? null : $"the macros are {string.Join(", ", AirflowMacros.Known.Keys.Select(k => "macros." + k))}",
                "var" => segments.Count >= 2 && segments[0] is "value" or "json" ? null : "write var.value.NAME or var.json.NAME",
                "range" => null,
                _ => $"known variables are {KnownVariables()}",
            };
        }

        if (problem is not null && !guarded)
        {
            Problem(root, $"unknown template reference '{{{{ {path} }}}}': {problem}");
        }
    }
}
