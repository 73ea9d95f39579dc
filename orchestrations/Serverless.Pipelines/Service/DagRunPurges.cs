using Azure.Storage.Blobs.Models;
using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Scheduling;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Service;

/// <summary>Purges runs: one on request (with its data when asked) and the finished ones past retention.</summary>
internal sealed class DagRunPurges
{
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
            await this.lists.DeleteAsync(input, cancellationToken).ConfigureAwait(false);
        }

        if (deleteData && input is not null)
        {
            var container = this.account.Blobs.GetBlobContainerClient(input.DataContainer);
            var prefix = $"{input.DagId}/{runId}/";
            try
            {
                await foreach (var blob in container.GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, cancellationToken).ConfigureAwait(false))
                {
                    await container.DeleteBlobIfExistsAsync(blob.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Azure.RequestFailedException error) when (error.Status == 404)
            {
                // No data container: nothing to delete.
            }
        }

        return true;
    }

    /// <summary>The retention purge: purges every run that finished before the cutoff; see <see cref="IDagRunService.PurgeFinishedRunsAsync"/>.</summary>
    public async Task<int> PurgeFinishedRunsAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default)
    {
        var filter = new PurgeInstancesFilter(CreatedFrom: null, CreatedTo: finishedBefore.UtcDateTime, Statuses: FinishedStatuses);
        var result = await this.client.PurgeAllInstancesAsync(filter, cancellationToken).ConfigureAwait(false);
        return result.PurgedInstanceCount;
    }
}
