using System.Diagnostics;
using System.Globalization;

namespace Serverless.Pipelines.Loading;

/// <summary>
/// Counts what reading one document has cost against <see cref="DagDocumentLimits"/>, and words the problem when a
/// limit is passed; the YAML and the JSON scans share it so both formats are held to the same limits and messages.
/// </summary>
internal sealed class DagDocumentBudget
{
    // However little processor time a starved thread gets, it is not held longer than this many budgets.
    private const int MaxWaitFactor = 5;

    // Reading the thread's processor time costs a small file read, so it is read at most this often.
    private static readonly TimeSpan CpuCheckInterval = TimeSpan.FromMilliseconds(20);

    private readonly long started = Stopwatch.GetTimestamp();
    private readonly TimeSpan? cpuStarted = ThreadCpuTime.Now();
    private readonly TimeSpan timeBudget;
    private TimeSpan nextCheck;
    private long nodes;
    private int tasks;

    public DagDocumentBudget(TimeSpan timeBudget)
    {
        this.timeBudget = timeBudget;
        this.nextCheck = timeBudget;
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
        if (Stopwatch.GetElapsedTime(this.started) is var elapsed && elapsed > this.nextCheck && this.IsSpent(elapsed))
        {
            return string.Create(
                CultureInfo.InvariantCulture,
                $"reading the document took more than {this.timeBudget.TotalMilliseconds:0} ms of processor time (limit {nameof(DagDocumentLimits)}.{nameof(DagDocumentLimits.ParseTimeBudgetMilliseconds)})");
        }

        return null;
    }

    /// <summary>
    /// Counts one item of the root's <c>tasks</c> list; returns the problem once there are more than
    /// <see cref="DagDocumentLimits.MaxTasks"/>. The scans call it before <see cref="Spend"/> and stop at the first
    /// task too many, so a long DAG is refused by its task count, not by whichever limit a loaded machine reaches
    /// first further on, and none of its tasks is built.
    /// </summary>
    public string? CountTask() => ++this.tasks <= DagDocumentLimits.MaxTasks
        ? null
        : string.Create(
            CultureInfo.InvariantCulture,
            $"the DAG has more than {DagDocumentLimits.MaxTasks} tasks; a DAG may have at most {DagDocumentLimits.MaxTasks} (limit {nameof(DagDocumentLimits)}.{nameof(DagDocumentLimits.MaxTasks)})");

    // The budget is processor time where the system tells it, so a busy machine does not refuse a document a quiet one
    // reads in a fraction of the budget; the wall clock then only says when to look, and bounds the wait.
    private bool IsSpent(TimeSpan elapsed)
    {
        if (this.cpuStarted is not { } before || elapsed > this.timeBudget * MaxWaitFactor || ThreadCpuTime.Now() is not { } now)
        {
            return true;
        }

        var used = now - before;
        if (used >= this.timeBudget)
        {
            return true;
        }

        // The thread cannot use the rest of the budget in less wall time than that rest.
        this.nextCheck = elapsed + TimeSpan.FromTicks(Math.Max((this.timeBudget - used).Ticks, CpuCheckInterval.Ticks));
        return false;
    }

    /// <summary>Returns the problem when a node at <paramref name="depth"/> (the root is 1) is deeper than allowed.</summary>
    public static string? Depth(int depth) => depth <= DagDocumentLimits.MaxDepth
        ? null
        : string.Create(
            CultureInfo.InvariantCulture,
            $"the document nests deeper than {DagDocumentLimits.MaxDepth} levels (limit {nameof(DagDocumentLimits)}.{nameof(DagDocumentLimits.MaxDepth)})");
}
