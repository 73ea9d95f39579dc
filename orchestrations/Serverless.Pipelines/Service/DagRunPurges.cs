using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Scheduling;
using Serverless.Spark.Data;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Service;

/// <summary>
/// Purges runs: one on request (with its data when asked) and, daily, the finished ones past retention. A purged run
/// takes with it its runs-index rows, its marks and audit trail and its task attempt logs, whichever way it is purged.
/// </summary>
internal sealed class DagRunPurges
{
    /// <summary>The most instances one retention pass purges; the next day's pass goes on from there.</summary>
    internal const int MaxPerPass = 10_000;

    private static readonly OrchestrationRuntimeStatus[] FinishedStatuses = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
    private readonly DurableTaskClient client;
    private readonly StorageAccount account;
    private readonly DagRunLists lists;

    public DagRunPurges(DurableTaskClient client, StorageAccount account, DagRunLists lists)
    {
        this.client = client;
        this.account = account;
        this.lists = lists;
    }

    /// <summary>Purges one finished run; see <see cref="IDagRunService.PurgeAsync"/>.</summary>
    public async Task<bool> PurgeAsync(string runId, bool deleteData, CancellationToken cancellationToken = default)
    {
        if (!DagRunIds.IsValid(runId, out _))
        {
            return false;
        }

        var metadata = await this.client.GetInstanceAsync(runId, true, cancellationToken).ConfigureAwait(false);
        if (metadata is null || !string.Equals(metadata.Name, nameof(DagRunOrchestrator), StringComparison.Ordinal))
        {
            return false;
        }

        if (!metadata.IsCompleted)
        {
            throw new DagRunConflictException($"Run '{runId}' is still {metadata.RuntimeStatus}; terminate it first.");
        }

        var input = metadata.ReadInputAs<DagRunInput>();
        await this.client.PurgeInstanceAsync(runId, cancellationToken).ConfigureAwait(false);
        if (input is not null)
        {
            await this.DeleteRunRecordsAsync(input, deleteData, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The retention purge: every instance that finished before the cutoff; see <see cref="IDagRunService.PurgeFinishedRunsAsync"/>.</summary>
    public async Task<int> PurgeFinishedRunsAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default)
    {
        // Collected first, then purged: deleting rows of the instances table while paging it could move its continuation.
        var query = new OrchestrationQuery { CreatedTo = finishedBefore.UtcDateTime, Statuses = FinishedStatuses, FetchInputsAndOutputs = true, PageSize = 100 };
        var found = new List<(string InstanceId, DagRunInput? Run)>();
        await foreach (var instance in this.client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (instance.LastUpdatedAt >= finishedBefore)
            {
                // Created before the cutoff but finished after it: not yet past retention.
                continue;
            }

            var run = string.Equals(instance.Name, nameof(DagRunOrchestrator), StringComparison.Ordinal) ? instance.ReadInputAs<DagRunInput>() : null;

            // Only what the clean-up needs: the DAG document of every run would be held for nothing.
            found.Add((instance.InstanceId, run is null ? null : run with { DagJson = string.Empty, Params = [] }));
            if (found.Count == MaxPerPass)
            {
                break;
            }
        }

        foreach (var (instanceId, run) in found)
        {
            await this.client.PurgeInstanceAsync(instanceId, cancellationToken).ConfigureAwait(false);
            if (run is not null)
            {
                await this.DeleteRunRecordsAsync(run, deleteData: false, cancellationToken).ConfigureAwait(false);
            }
        }

        return found.Count;
    }

    /// <summary>Deletes what a run leaves beside its orchestration: index rows, marks, audit trail, logs; and its data when asked.</summary>
    private async Task DeleteRunRecordsAsync(DagRunInput input, bool deleteData, CancellationToken cancellationToken)
    {
        await this.lists.DeleteAsync(input, cancellationToken).ConfigureAwait(false);
        var folder = RunDataLayout.RunFolder(input.DataContainer, input.DagId, input.RunId);
        await this.DeleteBlobsAsync(deleteData ? folder : folder.Combine(RunDataLayout.LogFolderName + "/"), cancellationToken).ConfigureAwait(false);
    }

    private async Task DeleteBlobsAsync(DataLocation folder, CancellationToken cancellationToken)
    {
        var container = this.account.Blobs.GetBlobContainerClient(folder.Container);
        try
        {
            await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, folder.Path, cancellationToken).ConfigureAwait(false))
            {
                await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Azure.RequestFailedException error) when (error.Status == 404)
        {
            // No data container: nothing to delete.
        }
    }
}
