using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Diagnostics;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Templating;

namespace Serverless.Pipelines.Orchestration;

/// <summary>A task of <see cref="DagRunExecution"/> from start to end: its instances (or its map), and each instance's attempts with their retries.</summary>
internal sealed partial class DagRunExecution
{
    private async Task RunTaskAsync(TaskNode node)
    {
        try
        {
            if (node.Task.Expand is not null)
            {
                await this.RunMappedAsync(node);
            }
            else
            {
                var record = node.Instances[0];
                await this.RunInstanceAsync(node, record, null);
                node.State = record.State;
            }
        }
#pragma warning disable CA1031 // A task's failure must end the task, never the run: the run decides its state from all tasks.
        catch (Exception error)
#pragma warning restore CA1031
        {
            foreach (var record in node.Instances.Where(r => !IsDone(r.State)))
            {
                record.State = TaskInstanceState.Failed;
                record.Error ??= error is TaskFailedException failed ? failed.FailureDetails.ErrorMessage : error.Message;
                record.EndedAt = this.context.CurrentUtcDateTime;
            }

            node.State = TaskInstanceState.Failed;
        }

        this.Changed(node.Instances);
    }

    private Task RunInstanceAsync(TaskNode node, TaskInstanceRecord record, JsonNode? item) => node.Task.Kind switch
    {
        DagTaskKind.Sensor => this.RunSensorAsync(node, record),
        DagTaskKind.Branch => this.RunBranchAsync(node, record, item),
        _ => this.RunWithAttemptsAsync(node, record, attempt => this.RunJobAndValuesAsync(node, record, item, attempt)),
    };

    private async Task RunWithAttemptsAsync(TaskNode node, TaskInstanceRecord record, Func<int, Task<string?>> attemptBody)
    {
        var maxAttempts = node.Settings.Retries + 1;

        // Bounded by the retry count: every pass either returns or uses up an attempt.
        while (record.Attempts < maxAttempts && !this.Stopped(record))
        {
            record.Attempts++;
            var attempt = record.Attempts;
            var now = this.context.CurrentUtcDateTime;
            (record.AttemptStarts ??= []).Add(now);
            record.StartedAt ??= now;
            record.State = TaskInstanceState.Running;
            this.Changed(record);
            string? error;
            try
            {
                error = await attemptBody(attempt);
            }
            catch (TaskFailedException failed)
            {
                error = failed.FailureDetails.ErrorMessage;
            }
            catch (TemplateException template)
            {
                // A template that cannot render fails the same way on every attempt: no retries.
                PipelineTelemetry.TaskAttemptEnded(this.context, this.AttemptLog(node.Task.Id, record.MapIndex, attempt), now, "failed", record.JobId);
                record.Error = template.Message;
                record.State = TaskInstanceState.Failed;
                record.EndedAt = this.context.CurrentUtcDateTime;
                this.Changed(record);
                this.NotifyTask(node, record, Notifications.NotificationEventKind.TaskFailed);
                await this.LogDecisionAsync(node, record, attempt, $"the task's templates did not render: {template.Message}; no retries (it would fail the same way)");
                return;
            }

            PipelineTelemetry.TaskAttemptEnded(this.context, this.AttemptLog(node.Task.Id, record.MapIndex, attempt), now, error is null ? "success" : this.cancelled ? "cancelled" : "failed", record.JobId);
            if (this.Stopped(record))
            {
                return;
            }

            if (error is null)
            {
                record.State = TaskInstanceState.Success;
                record.Error = null;
                record.EndedAt = record.JobEndedAt ?? this.context.CurrentUtcDateTime;
                this.Changed(record);
                this.NotifyTask(node, record, Notifications.NotificationEventKind.TaskSuccess);
                return;
            }

            record.Error = error;
            if (attempt >= maxAttempts)
            {
                record.State = TaskInstanceState.Failed;
                record.EndedAt = this.context.CurrentUtcDateTime;
                this.Changed(record);
                this.NotifyTask(node, record, Notifications.NotificationEventKind.TaskFailed);
                await this.LogDecisionAsync(node, record, attempt, $"attempt {attempt} failed and was the last of {maxAttempts}: the task failed: {error}");
                return;
            }

            record.State = TaskInstanceState.UpForRetry;
            this.Changed(record);
            this.NotifyTask(node, record, Notifications.NotificationEventKind.TaskRetry);
            var retryDelay = node.Settings.DelayBeforeRetry(attempt);
            await this.LogDecisionAsync(node, record, attempt, $"attempt {attempt} of {maxAttempts} failed: {error}; attempt {attempt + 1} starts in {retryDelay}");
            await this.context.CreateTimer(retryDelay, CancellationToken.None);
            this.PublishIfDirty();
            if (this.Stopped(record))
            {
                return;
            }
        }
    }
}
