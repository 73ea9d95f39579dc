using Azure;
using Microsoft.Extensions.Logging;
using Serverless.Pipelines.Diagnostics;
using Serverless.Pipelines.Runs.Tasks;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Writes the task records an activity carries (<see cref="StartTaskJobInput.Records"/>,
/// <see cref="WriteRunManifestInput.Records"/>) to <see cref="RunTaskStore"/>. A failed write is logged, never the
/// activity's failure: the records only show a running run's tasks, and the run's output holds them all.
/// </summary>
internal sealed class RunTaskWriter
{
    private readonly RunTaskStore store;
    private readonly ILogger logger;

    public RunTaskWriter(RunTaskStore store, ILogger logger)
    {
        this.store = store;
        this.logger = logger;
    }

    public async Task WriteAsync(string? runId, IReadOnlyList<StoredTaskRecord>? records)
    {
        if (runId is null || records is not { Count: > 0 })
        {
            return;
        }

        try
        {
            await this.store.UpsertAsync(runId, records, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException error)
        {
            PipelineLogs.TaskRecordsNotWritten(this.logger, runId, records.Count, error.Status, error.ErrorCode);
        }
    }
}
