using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Notifications;
using Serverless.Pipelines.Runs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>What <see cref="DagRunExecution"/> tells the outside: task and run notifications and the run's deadline.</summary>
internal sealed partial class DagRunExecution
{
    private NotificationDispatcher? notifier;
    private Action? cancelDeadline;
    private DateTime? deadline;
    private bool deadlineMissed;
    private bool runEnded;

    // False until the runs index holds the final state: until then the status says running (see PublishFinalState).
    private bool finalStatePublished;
    private DateTime? runEndedAt;

    private NotificationDispatcher Notifier => this.notifier ??= new NotificationDispatcher(this.context, this.input.NotificationRetry);

    /// <summary>Starts the deadline's durable timer, raced against the run's end (<see cref="NotifyRunEnd"/> cancels it).</summary>
    private void StartDeadline()
    {
        if (this.dag.Deadline is not { } rule)
        {
            return;
        }

        var from = rule.After switch
        {
            DeadlineAnchor.LogicalDate => this.input.LogicalDate.UtcDateTime,
            DeadlineAnchor.DataIntervalEnd => this.input.DataIntervalEnd.UtcDateTime,
            _ => this.context.CurrentUtcDateTime,
        };
        this.deadline = from + rule.Duration;
        _ = this.WatchDeadlineAsync(this.deadline.Value, rule);
    }

    private async Task WatchDeadlineAsync(DateTime due, DagDeadline rule)
    {
        using var timer = new CancellationTokenSource();
        this.cancelDeadline = timer.Cancel;
        try
        {
            // A deadline already past (an old logical date) fires at once.
            await this.context.CreateTimer(due, timer.Token);
        }
        catch (TaskCanceledException)
        {
            return;
        }
        finally
        {
            // The source is disposed when this method ends; nothing may cancel it after that.
            this.cancelDeadline = null;
        }

        if (this.runEnded || this.deadlineMissed)
        {
            return;
        }

        this.deadlineMissed = true;
        this.Changed();
        this.manifestDirty = true;
        this.Raise(NotificationEventKind.DeadlineMissed, null, WireNames.Of(DagRunState.Running), null, rule.Notify.Count > 0 ? rule.Notify : this.dag.OnFailure);
    }

    private void NotifyTask(TaskNode node, TaskInstanceRecord record, NotificationEventKind kind)
    {
        IEnumerable<NotificationTarget> targets = kind switch
        {
            NotificationEventKind.TaskFailed => node.Task.OnFailure,
            NotificationEventKind.TaskRetry => node.Task.OnRetry.Concat(this.dag.OnRetry),
            _ => node.Task.OnSuccess,
        };
        this.Raise(kind, record, WireNames.Of(record.State), record.Error, targets);
    }

    /// <summary>Stops the deadline's timer and raises the run's end notification (none for a run an operator's mark ended); called once, when the run's state is final.</summary>
    private void NotifyRunEnd()
    {
        this.runEnded = true;

        this.runEndedAt = this.context.CurrentUtcDateTime;
        this.cancelDeadline?.Invoke();
        this.cancelDeadline = null;
        if (this.endedByRunMark && this.input.QuietRunMarks)
        {
            // As Airflow: a state an operator set is not an execution's outcome, so it runs no callback.
            return;
        }

        var success = this.runState == DagRunState.Success;
        this.Raise(success ? NotificationEventKind.RunSuccess : NotificationEventKind.RunFailed, null, WireNames.Of(this.runState), this.runError, success ? this.dag.OnSuccess : this.dag.OnFailure);
    }

    /// <summary>
    /// Publishes the run's final state, once the last manifest write recorded it in the runs index and before the
    /// notifications drain: from here on GET run shows it, and a list filtered by that state finds the run. Set in
    /// replay too: an episode's custom status is only what that episode sets, and the drain's episodes resume inside
    /// delivery retries, where nothing else publishes.
    /// </summary>
    private void PublishFinalState()
    {
        this.finalStatePublished = true;
        if (!this.chunk)
        {
            this.statusDirty = false;
            // Every record, once the run is over (its drain episodes only): marks and reruns of a settled run read them here.
            this.context.SetCustomStatus(this.BuildResult(withTasks: this.RecordsInline()));
        }
    }

    /// <summary>Waits for every notification to be delivered or dead-lettered, so the orchestration never completes with one outstanding.</summary>
    private async Task DrainNotificationsAsync()
    {
        if (this.notifier is { } dispatcher)
        {
            await dispatcher.DrainAsync();
        }
    }

    private void Raise(NotificationEventKind kind, TaskInstanceRecord? record, string state, string? error, IEnumerable<NotificationTarget> targets)
    {
        var list = targets.ToList();
        if (list.Count == 0)
        {
            return;
        }

        var notification = new NotificationEvent
        {
            Id = NotificationEventIds.For(this.input.RunId, record?.TaskId, record?.MapIndex, record?.Attempts, kind),
            Kind = kind,
            DagId = this.dag.Id,
            RunId = this.input.RunId,
            TaskId = record?.TaskId,
            MapIndex = record?.MapIndex,
            Attempt = record?.Attempts,
            State = state,
            Error = error is { Length: > NotificationEvent.MaxErrorLength } ? error[..NotificationEvent.MaxErrorLength] + "…" : error,
            LogicalDate = this.input.LogicalDate,
            OccurredAt = this.context.CurrentUtcDateTime,
            Deadline = kind == NotificationEventKind.DeadlineMissed ? this.deadline : null,
        };
        this.Notifier.Raise(notification, list);
    }
}
