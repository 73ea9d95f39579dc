using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Serverless.Pipelines.Loading;

/// <summary>
/// Walks YamlDotNet's event stream — which the parser produces iteratively — checking <see cref="DagDocumentLimits"/>
/// before the document is composed: YamlDotNet's composer and node walkers recurse, so a self-referencing alias
/// (<c>a: &amp;a [*a]</c>) or 100,000 nested <c>[</c> overflow the stack there, and expanding aliases
/// ("billion laughs") is exponential. The scan stops at the first limit passed, without reading the rest.
/// </summary>
internal static class YamlDocumentScan
{
    /// <summary>Checks a YAML text; returns where and why it is refused, or <see langword="null"/> when it is within the limits.</summary>
    public static (int Line, int Column, string Message)? Check(string text, TimeSpan timeBudget)
    {
        var budget = new DagDocumentBudget(timeBudget);
        var parser = new Parser(new StringReader(text));
        var open = new List<Frame>();

        // The expanded size and height of every finished anchored node, so an alias costs what it repeats.
        var anchors = new Dictionary<string, (long Size, int Height)>(StringComparer.Ordinal);
        var openAnchors = new HashSet<string>(StringComparer.Ordinal);
        var documents = 0;
        var nodes = 0L;
        var afterTasksKey = false;
        var (line, column) = (1, 1);
        try
        {
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                line = (int)current.Start.Line;
                column = (int)current.Start.Column;
                string? problem = null;
                var isTasksList = false;
                if (current is NodeEvent or AnchorAlias)
                {
                    // The node after the root's key "tasks" is its value; when a sequence, its items are the tasks.
                    isTasksList = afterTasksKey && current is SequenceStart;
                    afterTasksKey = open is [{ Mapping: true, Children: var children }] && children % 2 == 0 && current is Scalar { Value: "tasks" };
                    if (CountChild(open, budget) is { } tooMany)
                    {
                        return (line, column, tooMany);
                    }
                }

                switch (current)
                {
                    case DocumentStart:
                        // A second document is refused here, before it is read: it could be the expensive part.
                        if (++documents > 1)
                        {
                            return (line, column, "a DAG file holds one YAML document");
                        }

                        break;
                    case AnchorAlias alias:
                        var name = alias.Value.Value;
                        if (openAnchors.Contains(name))
                        {
                            return (line, column, $"alias '*{name}' is inside the node it names; a recursive alias is refused");
                        }

                        if (!anchors.TryGetValue(name, out var target))
                        {
                            return (line, column, $"alias '*{name}' names no anchor defined before it");
                        }

                        problem = DagDocumentBudget.Depth(open.Count + target.Height) ?? budget.Spend(target.Size);
                        nodes += target.Size;
                        Deepen(open, open.Count + target.Height);
                        break;
                    case Scalar scalar:
                        problem = DefineProblem(scalar, anchors, openAnchors) ?? DagDocumentBudget.Depth(open.Count + 1) ?? budget.Spend(1);
                        nodes++;
                        Deepen(open, open.Count + 1);
                        if (!scalar.Anchor.IsEmpty)
                        {
                            anchors[scalar.Anchor.Value] = (1, 1);
                        }

                        break;
                    case NodeEvent start when start is MappingStart or SequenceStart:
                        problem = DefineProblem(start, anchors, openAnchors) ?? DagDocumentBudget.Depth(open.Count + 1) ?? budget.Spend(1);
                        open.Add(new Frame(start.Anchor.IsEmpty ? null : start.Anchor.Value, nodes, open.Count + 1, open.Count + 1, start is MappingStart, 0, isTasksList));
                        nodes++;
                        if (!start.Anchor.IsEmpty)
                        {
                            openAnchors.Add(start.Anchor.Value);
                        }

                        break;
                    case MappingEnd or SequenceEnd when open.Count > 0:
                        var frame = open[^1];
                        open.RemoveAt(open.Count - 1);
                        Deepen(open, frame.Deepest);
                        if (frame.Anchor is { } anchor)
                        {
                            openAnchors.Remove(anchor);
                            anchors[anchor] = (nodes - frame.NodesBefore, frame.Deepest - frame.Depth + 1);
                        }

                        break;
                }

                if (problem is not null)
                {
                    return (line, column, problem);
                }
            }
        }
        catch (YamlException ex)
        {
            return YamlSourceReader.SyntaxError(ex, text);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet 18.1's scanner throws this instead of a YamlException on some broken flow collections
            // ("a: [b&\nc: d"); it carries no mark, so the problem points at the last event read.
            return (line, column, "YAML syntax error after this point: " + ex.Message);
        }

        return null;
    }

    private static string? DefineProblem(NodeEvent node, Dictionary<string, (long Size, int Height)> anchors, HashSet<string> openAnchors)
    {
        // YAML lets a later anchor of the same name shadow an earlier one; refusing it keeps "which node does this
        // alias repeat" (and so its cost) unambiguous, whatever order the composer resolves them in.
        return !node.Anchor.IsEmpty && (anchors.ContainsKey(node.Anchor.Value) || openAnchors.Contains(node.Anchor.Value))
            ? $"anchor '&{node.Anchor.Value}' is defined twice; give each anchor its own name"
            : null;
    }

    // Counts a node as a child of the open node around it (so a mapping knows a key from a value), and as a task
    // when that node is the root's tasks list.
    private static string? CountChild(List<Frame> open, DagDocumentBudget budget)
    {
        if (open.Count == 0)
        {
            return null;
        }

        var parent = open[^1];
        open[^1] = parent with { Children = parent.Children + 1 };
        return parent.IsTasks ? budget.CountTask() : null;
    }

    // Records the deepest level reached inside the innermost open node, so an anchored node knows its height.
    private static void Deepen(List<Frame> open, int depth)
    {
        if (open.Count > 0 && open[^1].Deepest < depth)
        {
            open[^1] = open[^1] with { Deepest = depth };
        }
    }

    /// <summary>
    /// An open mapping or sequence: its anchor, the node count before it, its depth, the deepest level under it, whether
    /// it is a mapping, how many child nodes (keys and values) it has so far, and whether it is the root's tasks list.
    /// </summary>
    private readonly record struct Frame(string? Anchor, long NodesBefore, int Depth, int Deepest, bool Mapping, int Children, bool IsTasks);
}
