using Serverless.Pipelines.Runs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>The run slot of <see cref="DagRunExecution"/>: a run waits in state queued until it holds one of its DAG's <c>maxActiveRuns</c> slots.</summary>
internal sealed partial class DagRunExecution
{
    private static readonly TimeSpan FirstSlotPoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxSlotPoll = TimeSpan.FromSeconds(10);

    /// <summary>Takes a run slot, asking again on a durable timer (1 s, growing to 10 s) while all are held.</summary>
    /// <returns>True once the run holds a slot; false when the run was cancelled while it waited.</returns>
    private async Task<bool> WaitForRunSlotAsync(RunSlotRequest slot, Task<string?> cancel)
    {
        var delay = FirstSlotPoll;
        while (!await this.context.CallActivityAsync<bool>(nameof(AcquireRunSlot), slot))
        {
            if (this.runState != DagRunState.Queued)
            {
                this.runState = DagRunState.Queued;
                this.Changed();
            }

            using var stopTimer = new CancellationTokenSource();
            var timer = this.context.CreateTimer(delay, stopTimer.Token);
            if (await Task.WhenAny(timer, cancel) == cancel)
            {
                // Cancel, not CancelAsync: the continuation must stay on the orchestrator's thread.
                stopTimer.Cancel();
                return false;
            }

            var next = delay * 1.5;
            delay = next > MaxSlotPoll ? MaxSlotPoll : next;
        }

        if (this.runState == DagRunState.Queued)
        {
            this.runState = DagRunState.Running;
            this.Changed();
        }

        this.PublishIfDirty();
        return true;
    }
}
