using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Durable.Diagnostics;
using Serverless.Durable.History;
using Serverless.Durable.Messaging;
using Serverless.Durable.Tracking;

namespace Serverless.Durable.Worker;

/// <summary>
/// Handles work items: runs the activity in its own DI scope and delivers the result (or failure) to
/// the instance's inbox under a deterministic id, so a second run of the same work item adds nothing.
/// </summary>
internal sealed class ActivityProcessor(
    DurableTaskRegistry registry,
    IServiceScopeFactory scopes,
    DataConverter converter,
    ActivityResultBatcher results,
    ILogger logger)
{
    public async Task HandleAsync(WorkItemMessage message, int dequeueCount, CancellationToken cancellationToken)
    {
        HistoryEvent result = await this.RunAsync(message, dequeueCount, cancellationToken).ConfigureAwait(false);
        var entry = new InboxEntry(InboxEventIds.TaskResult(message.ExecutionId, message.TaskId), result, message.ExecutionId);
        await results.DeliverAsync(message.InstanceId, entry).ConfigureAwait(false);
    }

    private async Task<HistoryEvent> RunAsync(WorkItemMessage message, int dequeueCount, CancellationToken cancellationToken)
    {
        using System.Diagnostics.Activity? trace = DurableTelemetry.Source.StartActivity($"activity {message.Name}");
        trace?.SetTag("durable.instance_id", message.InstanceId);
        trace?.SetTag("durable.task_id", message.TaskId);
        using IDisposable? scope = logger.BeginScope(new Dictionary<string, object> { ["InstanceId"] = message.InstanceId, ["TaskId"] = message.TaskId });
        DurableTelemetry.Activities.Add(1);
        await using AsyncServiceScope services = scopes.CreateAsyncScope();
        if (!registry.TryCreateActivity(message.Name, services.ServiceProvider, out ITaskActivity? activity) || activity is null)
        {
            logger.ActivityRan(message.InstanceId, message.Name, message.TaskId, "not found");
            return new TaskFailedEvent(message.TaskId, new TaskFailureDetails("ActivityNotFound", $"No activity named '{message.Name}' is registered on this worker."));
        }

        try
        {
            object? input = converter.Deserialize(message.Input, activity.InputType);
            var context = new ActivityContextImpl(message.Name, message.InstanceId, message.TaskId, dequeueCount, cancellationToken);
            object? output = await activity.RunAsync(context, input).ConfigureAwait(false);
            logger.ActivityRan(message.InstanceId, message.Name, message.TaskId, "completed");
            return new TaskCompletedEvent(message.TaskId, converter.Serialize(output));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: leave the work item for another worker instead of reporting a failure.
            throw;
        }
        catch (Exception error)
        {
            logger.ActivityRan(message.InstanceId, message.Name, message.TaskId, $"failed: {error.GetType().Name}");
            return new TaskFailedEvent(message.TaskId, TaskFailureDetails.FromException(error));
        }
    }
}
