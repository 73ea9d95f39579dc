using Microsoft.DurableTask;
using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Notifications;

/// <summary>
/// The orchestrator's side of notifications: schedules one <see cref="DeliverNotification"/> per event and target under
/// the run's <see cref="NotificationRetry"/> policy, and a <see cref="RecordNotificationDeadLetter"/> when a delivery
/// uses up its attempts. Deliveries run beside the run's tasks, never holding them up; <see cref="DrainAsync"/> waits for
/// them before the run completes, so none is dropped with the orchestration.
/// </summary>
/// <remarks>
/// Everything here runs on the replay scheduler. Scheduled activities are in the run's history, so a host that dies
/// between an event and its delivery delivers it on replay: at least once, never lost.
/// </remarks>
internal sealed class NotificationDispatcher
{
    private readonly TaskOrchestrationContext context;
    private readonly NotificationRetry retry;
    private readonly List<Task> pending = [];

    public NotificationDispatcher(TaskOrchestrationContext context, NotificationRetry retry)
    {
        this.context = context;
        this.retry = retry;
    }

    /// <summary>Starts delivering an event to each target (a target listed twice gets it once).</summary>
    /// <param name="notification">The event.</param>
    /// <param name="targets">The targets.</param>
    public void Raise(NotificationEvent notification, IEnumerable<NotificationTarget> targets)
    {
        var index = 0;
        foreach (var target in targets.Distinct())
        {
            this.pending.Add(this.DeliverAsync(new NotificationDelivery(notification, target, index++)));
        }
    }

    /// <summary>Waits until every delivery started so far is delivered or dead-lettered.</summary>
    /// <returns>A task.</returns>
    public async Task DrainAsync()
    {
        // Deliveries raised while draining (none today) would be awaited too.
        while (this.pending.Count > 0)
        {
            var batch = this.pending.ToList();
            this.pending.Clear();
            await Task.WhenAll(batch);
        }
    }

    private async Task DeliverAsync(NotificationDelivery delivery)
    {
        var options = TaskOptions.FromRetryPolicy(new RetryPolicy(
            Math.Max(1, this.retry.MaxAttempts),
            this.retry.FirstRetryInterval,
            Math.Max(1, this.retry.BackoffCoefficient),
            this.retry.MaxRetryInterval));
        try
        {
            await this.context.CallActivityAsync<int>(nameof(DeliverNotification), delivery, options);
        }
        catch (TaskFailedException failed)
        {
            var letter = new NotificationDeadLetter(delivery, this.retry.MaxAttempts, failed.FailureDetails.ErrorMessage, this.context.CurrentUtcDateTime);
            try
            {
                await this.context.CallActivityAsync<bool>(nameof(RecordNotificationDeadLetter), letter, options);
            }
            catch (TaskFailedException)
            {
                // Storage refused the row on every attempt; the activity logged each failure. The run still ends.
            }
        }
    }
}
