using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Scheduling;

namespace Serverless.Pipelines.Service;

/// <summary>Reads a run (<see cref="DagRunInfo"/>) from its orchestration's state: input, custom status and output.</summary>
internal static class DagRunInfoReader
{
    /// <summary>Gets a run's orchestration, or throws <see cref="DagRunNotFoundException"/> when the id is not a run's.</summary>
    public static async Task<OrchestrationMetadata> RequireRunAsync(DurableTaskClient client, string runId, bool withInputs, CancellationToken cancellationToken)
    {
        if (DagRunIds.IsValid(runId, out _)
            && await client.GetInstanceAsync(runId, withInputs, cancellationToken).ConfigureAwait(false) is { } metadata
            && string.Equals(metadata.Name, nameof(DagRunOrchestrator), StringComparison.Ordinal))
        {
            return metadata;
        }

        throw new DagRunNotFoundException($"Run '{runId}' is not known.");
    }

    /// <summary>Reads a run from its orchestration's state.</summary>
    public static DagRunInfo? ToInfo(OrchestrationMetadata metadata)
    {
        if (!string.Equals(metadata.Name, nameof(DagRunOrchestrator), StringComparison.Ordinal))
        {
            return null;
        }

        var input = metadata.ReadInputAs<DagRunInput>();
        var taskHashes = input?.DagJson is { } json ? DagDefinitionHash.OfTasks(json) : new Dictionary<string, string>();
        var result = metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed
            ? metadata.ReadOutputAs<DagRunResult>() ?? metadata.ReadCustomStatusAs<DagRunResult>()
            : metadata.ReadCustomStatusAs<DagRunResult>();
        var state = metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Pending => DagRunState.Queued,
            OrchestrationRuntimeStatus.Completed => result?.State ?? DagRunState.Success,
            OrchestrationRuntimeStatus.Failed or OrchestrationRuntimeStatus.Terminated => DagRunState.Failed,
            _ => result?.State == DagRunState.Queued ? DagRunState.Queued : DagRunState.Running, // queued: waiting for a run slot
        };
        var error = metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Failed => metadata.FailureDetails?.ErrorMessage ?? "the run failed",
            OrchestrationRuntimeStatus.Terminated => "terminated" + (metadata.ReadOutputAs<string>() is { Length: > 0 } reason ? ": " + reason : string.Empty),
            _ => result?.Error,
        };
        var tasks = result?.Tasks ?? [];
        var started = tasks.Where(t => t.StartedAt is not null).Select(t => (DateTime?)t.StartedAt).Min();
        return new DagRunInfo
        {
            RunId = metadata.InstanceId,
            DagId = input?.DagId ?? result?.DagId ?? metadata.InstanceId.Split("__", 2)[0],
            State = state,
            LogicalDate = input?.LogicalDate,
            Params = input?.Params,
            CreatedAt = metadata.CreatedAt,
            StartedAt = started is { } s ? new DateTimeOffset(DateTime.SpecifyKind(s, DateTimeKind.Utc)) : (state == DagRunState.Queued ? null : metadata.CreatedAt),
            EndedAt = metadata.IsCompleted ? metadata.LastUpdatedAt : null,
            Error = error,
            RerunOf = input?.RerunOf ?? result?.RerunOf,
            Deadline = Utc(result?.Deadline),
            DeadlineMissed = result?.DeadlineMissed ?? false,
            Tasks = tasks.Select(t => new TaskInstanceInfo
            {
                Id = t.TaskId,
                State = t.State,
                MapIndex = t.MapIndex,
                Attempts = t.Attempts,
                StartedAt = Utc(t.StartedAt),
                EndedAt = Utc(t.EndedAt),
                JobId = t.JobId,
                Outputs = t.Outputs ?? [],
                Error = t.Error,
                Reused = t.Reused,
                Chained = t.Chained,
                Values = t.Values,
                DefinitionHash = taskHashes.GetValueOrDefault(t.TaskId),
            }).ToList(),
            DefinitionHash = input?.DagJson is { } pinned ? DagDefinitionHash.Of(pinned) : null,
            TriggeredBy = input?.TriggeredBy,
        };
    }

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
