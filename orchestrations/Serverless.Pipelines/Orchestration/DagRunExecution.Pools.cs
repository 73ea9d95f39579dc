using Microsoft.DurableTask;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Pools;
using Serverless.Pipelines.Runs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Pool slots of <see cref="DagRunExecution"/>: a job attempt of a task in a limited pool waits in state queued until it
/// holds its <c>poolSlots</c>, in priority order across runs, DAGs and hosts (<see cref="AcquirePoolSlot"/>), and gives
/// them back when the attempt ends however it ends — success, failure, before a retry's delay, lost, cancelled.
/// </summary>
/// <remarks>
/// A task in <c>default_pool</c> while that pool is unlimited (<see cref="DagRunInput.LimitedPools"/>) schedules no
/// pool work at all, so runs without pools replay as before. A terminated run runs no more code; its slots are taken
/// over once its orchestration has ended (see <see cref="Slots.ConcurrencySlots"/>).
/// </remarks>
internal sealed partial class DagRunExecution
{
    // A release that fails would keep the slot until the run ends (its holder lives), so storage errors are retried.
    private static readonly TaskOptions ReleaseRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(30)));

    // The attempts that hold or wait for pool slots, by holder, so a cancelled run gives them all back.
    private readonly Dictionary<string, PoolSlotRequest> poolClaims = new(StringComparer.Ordinal);

    /// <summary>Gets a value indicating whether a task's job attempts take pool slots in this run.</summary>
    private bool TakesPoolSlots(TaskNode node) =>
        !string.Equals(node.Settings.Pool, EffectiveTaskSettings.DefaultPool, StringComparison.Ordinal) || this.input.LimitedPools.Contains(node.Settings.Pool, StringComparer.Ordinal);

    /// <summary>Runs one job attempt holding its pool slots.</summary>
    /// <returns><see langword="null"/> on success, else the error (a pool that cannot serve the task is one).</returns>
    private async Task<string?> RunInPoolAsync(TaskNode node, TaskInstanceRecord record, int attempt, Func<Task<string?>> attemptBody)
    {
        var holder = new PoolHolder(this.context.InstanceId, node.Task.Id, record.MapIndex, attempt).ToString();
        var claim = new PoolSlotRequest(node.Settings.Pool, node.Settings.PoolSlots, holder, node.Settings.Priority, this.context.CurrentUtcDateTime);
        this.poolClaims[holder] = claim;
        try
        {
            var (problem, waited) = await this.WaitForPoolSlotsAsync(record, claim);
            if (problem is not null)
            {
                return problem;
            }

            if (this.cancelled)
            {
                return "cancelled";
            }

            if (waited)
            {
                // The attempt starts when it holds its slots, as Airflow's start_date is after the queue.
                var now = this.context.CurrentUtcDateTime;
                if (record.AttemptStarts is { Count: > 0 } starts)
                {
                    starts[^1] = now;
                }

                if (attempt == 1)
                {
                    record.StartedAt = now;
                }

                record.State = TaskInstanceState.Running;
                this.Changed(record);
            }

            return await attemptBody();
        }
        finally
        {
            // A cancelled run gave back every claim already (ReleasePoolClaimsAsync).
            if (this.poolClaims.Remove(holder))
            {
                await this.context.CallActivityAsync<int>(nameof(ReleasePoolSlot), claim, ReleaseRetry);
            }
        }
    }

    /// <summary>Asks for the slots until they are held: on a durable timer (1 s, growing to 10 s), or at once when a release wakes the attempt.</summary>
    /// <returns>The reason the pool can never serve the attempt (or null), and whether the attempt had to wait.</returns>
    private async Task<(string? Problem, bool Waited)> WaitForPoolSlotsAsync(TaskInstanceRecord record, PoolSlotRequest claim)
    {
        var delay = FirstSlotPoll;
        var waited = false;
        using var stopWaking = new CancellationTokenSource();
        Task<string>? woken = null;
        try
        {
            // Each ask costs a few history events; the 10 s cap keeps an hour's wait near two thousand, as a run slot's.
            PoolSlotAnswer answer;
            while (!(answer = await this.context.CallActivityAsync<PoolSlotAnswer>(nameof(AcquirePoolSlot), claim)).Acquired && answer.Problem is null && !this.cancelled)
            {
                waited = true;
                if (record.State != TaskInstanceState.Queued)
                {
                    record.State = TaskInstanceState.Queued;
                    this.Changed(record);
                }

                this.PublishIfDirty();

                // One waiter at a time for the attempt's event name: a second would queue behind the first.
                woken ??= this.context.WaitForExternalEvent<string>(DagRunEvents.PoolSlotFreed(claim.Holder), stopWaking.Token);
                using var stopTimer = new CancellationTokenSource();
                var timer = this.context.CreateTimer(delay, stopTimer.Token);
                if (await Task.WhenAny(timer, woken) == woken)
                {
                    // Cancel, not CancelAsync: the continuation must stay on the orchestrator's thread.
                    stopTimer.Cancel();
                    woken = null;
                }
                else
                {
                    var next = delay * 1.5;
                    delay = next > MaxSlotPoll ? MaxSlotPoll : next;
                }

                if (this.cancelled)
                {
                    return (null, waited);
                }
            }

            return (answer.Problem, waited);
        }
        finally
        {
            if (woken is { IsCompleted: false })
            {
                stopWaking.Cancel();
            }
        }
    }

    /// <summary>Gives back the slots and waiter rows of every attempt still holding or waiting (a cancelled run ends without finishing them).</summary>
    private async Task ReleasePoolClaimsAsync()
    {
        var releases = this.poolClaims.Values.Select(claim => this.context.CallActivityAsync<int>(nameof(ReleasePoolSlot), claim, ReleaseRetry)).ToList();
        this.poolClaims.Clear();
        foreach (var release in releases)
        {
            try
            {
                await release;
            }
            catch (TaskFailedException)
            {
                // The slot is taken over once this run has ended.
            }
        }
    }
}
