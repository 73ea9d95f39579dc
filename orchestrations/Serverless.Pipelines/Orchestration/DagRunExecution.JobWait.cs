using Serverless.Spark.Activities;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>How <see cref="DagRunExecution"/> learns that a job ended: pushed by its backend, or polled with backoff.</summary>
internal sealed partial class DagRunExecution
{
    /// <summary>
    /// Waits until a job ends. A job whose end is told (<see cref="StartedTaskJob.Pushed"/>: pushed by its backend, or
    /// seen by the host's job watcher) ends when the event <see cref="DagRunEvents.JobEnded"/> arrives, with a poll
    /// every <see cref="DagRunInput.MaxPollInterval"/> as the fallback for a watch lost in a restart (or dropped after
    /// the watcher's longest watch); any other job is polled on durable timers from
    /// <see cref="DagRunInput.FirstPollInterval"/>, each interval <see cref="DagRunInput.PollBackoffFactor"/> times the
    /// last, up to the maximum.
    /// </summary>
    /// <returns>The final status, or <see langword="null"/> when the deadline passed first (or the run was cancelled).</returns>
    private async Task<SparkJobStatus?> WaitForJobEndAsync(SparkJobHandle handle, SparkJobStatus status, bool pushed, DateTime? deadline)
    {
        if (status.IsTerminal)
        {
            return status;
        }

        // One waiter per attempt: a second waiter for the same name would queue behind the first and never see the event.
        using var stopWaiting = new CancellationTokenSource();
        var ended = pushed ? this.context.WaitForExternalEvent<SparkJobStatus>(DagRunEvents.JobEnded(handle.IdempotencyKey), stopWaiting.Token) : null;
        var delay = pushed ? this.input.MaxPollInterval : this.input.FirstPollInterval;
        try
        {
            while (!status.IsTerminal)
            {
                if (this.cancelled)
                {
                    return null;
                }

                var fireAt = this.context.CurrentUtcDateTime + delay;
                if (deadline is { } due && fireAt > due)
                {
                    fireAt = due;
                }

                using var stopTimer = new CancellationTokenSource();
                var timer = this.context.CreateTimer(fireAt, stopTimer.Token);
                if (ended is not null && await Task.WhenAny(ended, timer) == ended)
                {
                    // Cancel, not CancelAsync: the continuation must stay on the orchestrator's thread.
                    stopTimer.Cancel();
                    this.PublishIfDirty();
                    return await ended;
                }

                await timer;
                this.PublishIfDirty();
                if (this.cancelled || (deadline is { } end && this.context.CurrentUtcDateTime >= end))
                {
                    return null;
                }

                status = await this.context.CallActivityAsync<SparkJobStatus>(nameof(GetSparkJobStatus), handle);
                this.PublishIfDirty();
                if (!pushed)
                {
                    var next = delay * Math.Max(1, this.input.PollBackoffFactor);
                    delay = next > this.input.MaxPollInterval ? this.input.MaxPollInterval : next;
                }
            }

            return status;
        }
        finally
        {
            if (ended is { IsCompleted: false })
            {
                stopWaiting.Cancel();
            }
        }
    }
}
