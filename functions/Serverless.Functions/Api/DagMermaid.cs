using System.Text;
using Serverless.Pipelines.Definitions;

namespace Serverless.Functions.Api;

/// <summary>Renders a DAG's graph as a Mermaid flowchart (GitHub and most Markdown viewers draw it).</summary>
public static class DagMermaid
{
    /// <summary>Renders the graph.</summary>
    /// <param name="dag">The DAG.</param>
    /// <returns>Mermaid text starting with <c>flowchart LR</c>.</returns>
    public static string Render(DagDefinition dag)
    {
        ArgumentNullException.ThrowIfNull(dag);
        var graph = new DagGraph(dag);
        var text = new StringBuilder("flowchart LR\n");

        // Task ids may contain '-', which Mermaid node ids do not allow; number the nodes and label them with the id.
        var node = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in graph.TopologicalOrder)
        {
            node[id] = "t" + node.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var kind = dag.FindTask(id) is { } task ? task.Kind.ToString().ToLowerInvariant() : "task";
            text.Append("  ").Append(node[id]).Append("[\"").Append(id).Append("<br/><small>").Append(kind).Append("</small>\"]\n");
        }

        foreach (var id in graph.TopologicalOrder)
        {
            foreach (var parent in graph.UpstreamOf(id).Order(StringComparer.Ordinal))
            {
                text.Append("  ").Append(node[parent]).Append(" --> ").Append(node[id]).Append('\n');
            }
        }

        return text.ToString();
    }
}
