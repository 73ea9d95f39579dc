using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Runs.Index;

namespace Serverless.Pipelines.Service;

/// <summary>
/// The one-time backfill of the runs index from the task hub's instance query, for runs started before the index
/// existed: one page of instances per step, each run without a row added (never over a row the run wrote itself), the
/// cursor stored in the index table so that steps on any host go on where the last stopped and stop for good at the end.
/// </summary>
/// <remarks>
/// In Azure a durable client exists only inside a function invocation, so the scheduler tick takes one step a minute
/// rather than a host-start service; a step is bounded by its page size. Two hosts stepping at once may scan a page
/// twice: adding is idempotent, so the index stays right and only the counts overstate.
/// </remarks>
internal sealed class DagRunIndexBackfill
{
    /// <summary>The instances one step reads.</summary>
    internal const int PageSize = 200;

    private readonly DurableTaskClient client;
    private readonly RunIndexStore index;
    private readonly DagRunLists lists;

    public DagRunIndexBackfill(DurableTaskClient client, RunIndexStore index, DagRunLists lists)
    {
        this.client = client;
        this.index = index;
        this.lists = lists;
    }

    public async Task<RunIndexBackfillCursor> StepAsync(CancellationToken cancellationToken)
    {
        var cursor = await this.index.GetBackfillCursorAsync(cancellationToken).ConfigureAwait(false) ?? new RunIndexBackfillCursor(null, false, 0, 0);
        if (cursor.Done)
        {
            return cursor;
        }

        var query = new OrchestrationQuery { FetchInputsAndOutputs = true, PageSize = PageSize };
        var scanned = 0;
        var recorded = 0;
        string? next = null;
        await foreach (var page in this.client.GetAllInstancesAsync(query).AsPages(cursor.Continuation, PageSize).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            foreach (var instance in page.Values)
            {
                scanned++;
                // Runs only: the backfill, map-chunk and other orchestrations are not listed.
                if (DagRunInfoReader.ToInfo(instance) is not { } run)
                {
                    continue;
                }

                var entry = DagRunLists.FromInfo(run);
                if (await this.index.GetAsync(entry.DagId, entry.LogicalDate, entry.RunId, cancellationToken).ConfigureAwait(false) is null)
                {
                    await this.lists.AddAsync(entry, cancellationToken).ConfigureAwait(false);
                    recorded++;
                }
            }

            next = string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken;
            break;
        }

        var stepped = new RunIndexBackfillCursor(next, next is null, cursor.Scanned + scanned, cursor.Recorded + recorded);
        await this.index.SetBackfillCursorAsync(stepped, cancellationToken).ConfigureAwait(false);
        return stepped;
    }
}
