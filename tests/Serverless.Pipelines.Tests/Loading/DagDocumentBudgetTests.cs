using System.Diagnostics;
using Serverless.Pipelines.Loading;

namespace Serverless.Pipelines.Tests.Loading;

/// <summary>The parse budget counts the work a document costs (processor time), not the time a busy machine made it wait.</summary>
public sealed class DagDocumentBudgetTests
{
    // Long enough that a loaded CI machine's late wake-up (seen at 400 ms for a 150 ms wait) stays inside the budget's
    // five-budget wall-clock ceiling, so only the processor-time rule decides.
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(500);

    [Fact]
    public void Spend_ThreadWaitedPastTheBudgetWithoutWorking_NotRefusedWhereProcessorTimeIsKnown()
    {
        var knowsProcessorTime = ThreadCpuTime.Now() is not null;
        var budget = new DagDocumentBudget(Budget);

        // The thread is off the processor for one and a half budgets, as a starved one is on a loaded machine: the wait is
        // the scenario itself, not a poll for something to happen.
        using (var never = new ManualResetEventSlim())
        {
            never.Wait(Budget * 1.5);
        }

        // Where the system does not tell processor time, the budget is wall-clock time and the wait spent it.
        Assert.Equal(!knowsProcessorTime, budget.Spend(1) is not null);
    }

    [Fact]
    public void Spend_ThreadWorkedPastTheBudget_Refused()
    {
        var budget = new DagDocumentBudget(Budget);
        var clock = Stopwatch.StartNew();
        string? problem = null;

        // Work (no nodes, so only the time can refuse) until refused; the bound is the budget's own wall-clock ceiling (five budgets) with a wide margin.
        while (problem is null && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            problem = budget.Spend(0);
        }

        Assert.NotNull(problem);
        Assert.Contains(nameof(DagDocumentLimits.ParseTimeBudgetMilliseconds), problem, StringComparison.Ordinal);
    }
}
