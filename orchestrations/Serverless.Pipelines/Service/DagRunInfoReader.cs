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

    /// <summary>Reads a run from its orchestration's state; <paramref name="stored"/> are its task records when they are kept outside it (<see cref="DagRunTaskReader"/>).</summary>
    public static DagRunInfo? ToInfo(OrchestrationMetadata metadata, IReadOnlyList<TaskInstanceRecord>? stored = null)
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
            // Queued: waiting for a run slot. Success or failed: the tasks are over and the last notifications drain.
            _ => result?.State is DagRunState.Queued or DagRunState.Success or DagRunState.Failed ? result.State : DagRunState.Running,
        };
        var error = metadata.RuntimeStatus switch
        {
            OrchestrationRuntimeStatus.Failed => metadata.FailureDetails?.ErrorMessage ?? "the run failed",
            OrchestrationRuntimeStatus.Terminated => "terminated" + (metadata.ReadOutputAs<string>() is { Length: > 0 } reason ? ": " + reason : string.Empty),
            _ => result?.Error,
        };
        var tasks = stored ?? result?.Tasks ?? [];
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
            EndedAt = Utc(result?.EndedAt) ?? (metadata.IsCompleted ? metadata.LastUpdatedAt : null),
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
                MarkedBy = t.MarkedBy,
            }).ToList(),
            DefinitionHash = input?.DagJson is { } pinned ? DagDefinitionHash.Of(pinned) : null,
            TriggeredBy = input?.TriggeredBy,
        };
    }

    /// <summary>
    /// True when a run's state is final: its orchestration completed, or it ran its last task and only delivers its
    /// last notifications (<see cref="DagRunResult.EndedAt"/> is set then). A settled run is marked and rerun as a
    /// finished one; the run itself no longer changes its tasks.
    /// </summary>
    public static bool IsSettled(OrchestrationMetadata metadata, DagRunInfo run) =>
        metadata.IsCompleted || (run.EndedAt is not null && run.State is DagRunState.Success or DagRunState.Failed);

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
