using System.Diagnostics;
using System.Globalization;

namespace Serverless.Pipelines.Loading;

/// <summary>
/// Counts what reading one document has cost against <see cref="DagDocumentLimits"/>, and words the problem when a
/// limit is passed; the YAML and the JSON scans share it so both formats are held to the same limits and messages.
/// </summary>
internal sealed class DagDocumentBudget
{
    private readonly long started = Stopwatch.GetTimestamp();
    private readonly TimeSpan timeBudget;
    private long nodes;

    public DagDocumentBudget(TimeSpan timeBudget)
    {
        this.timeBudget = timeBudget;
    }

    /// <summary>Spends nodes (one per node read, the expanded size per alias); returns the problem once a limit is passed.</summary>
    public string? Spend(long count)
    {
        this.nodes += count;
        if (this.nodes > DagDocumentLimits.MaxNodes)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"the document has more than {DagDocumentLimits.MaxNodes} nodes with its aliases expanded (limit {nameof(DagDocumentLimits)}.{nameof(DagDocumentLimits.MaxNodes)})");
        }

        // Reading the clock costs tens of nanoseconds, far less than parsing a node, so every node checks it.
        if (Stopwatch.GetElapsedTime(this.started) > this.timeBudget)
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"reading the document took longer than {this.timeBudget.TotalMilliseconds:0} ms (limit {nameof(DagDocumentLimits)}.{nameof(DagDocumentLimits.ParseTimeBudgetMilliseconds)})");
        }

        return null;
    }

    /// <summary>Returns the problem when a node at <paramref name="depth"/> (the root is 1) is deeper than allowed.</summary>
    public static string? Depth(int depth) => depth <= DagDocumentLimits.MaxDepth
        ? null
        : string.Create(
            CultureInfo.InvariantCulture,
            $"the document nests deeper than {DagDocumentLimits.MaxDepth} levels (limit {nameof(DagDocumentLimits)}.{nameof(DagDocumentLimits.MaxDepth)})");
}
