using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Serverless.Durable;
using Serverless.Durable.Client;
using Serverless.Pipelines.Orchestration;
using Serverless.Spark.Hosting;

namespace Serverless.Pipelines.Service;

/// <summary>
/// Starts DAG runs exactly once per run id and counts a DAG's active runs: shared by the service, the scheduler tick
/// and backfills.
/// </summary>
public sealed class DagRunStarter
{
    private static readonly OrchestrationRuntimeStatus[] ActiveStatuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];
    private readonly DurableTaskClient client;
    private readonly PipelineOptions options;
    private readonly string dataContainer;

    /// <summary>Initializes a new instance of the <see cref="DagRunStarter"/> class.</summary>
    /// <param name="client">The durable client.</param>
    /// <param name="options">The pipeline options.</param>
    /// <param name="sparkOptions">The Spark options (data container).</param>
    public DagRunStarter(DurableTaskClient client, IOptions<PipelineOptions> options, IOptions<SparkOptions> sparkOptions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sparkOptions);
        this.client = client;
        this.options = options.Value;
        this.dataContainer = sparkOptions.Value.DataContainer;
    }

    /// <summary>Gets the run id prefix of a DAG's derived run ids: <c>{dagId}__</c>.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <returns>The prefix.</returns>
    public static string RunIdPrefix(string dagId) => dagId + "__";

    /// <summary>Builds the orchestrator input of a run.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="dagJson">The DAG as exported JSON.</param>
    /// <param name="runId">The run id.</param>
    /// <param name="logicalDate">The logical date.</param>
    /// <param name="intervalStart">The data interval start.</param>
    /// <param name="intervalEnd">The data interval end.</param>
    /// <param name="parameters">The resolved params.</param>
    /// <returns>The input.</returns>
    public DagRunInput CreateInput(string dagId, string dagJson, string runId, DateTimeOffset logicalDate, DateTimeOffset intervalStart, DateTimeOffset intervalEnd, JsonObject parameters) => new()
    {
        DagId = dagId,
        DagJson = dagJson,
        RunId = runId,
        LogicalDate = logicalDate,
        DataIntervalStart = intervalStart,
        DataIntervalEnd = intervalEnd,
        Params = (JsonObject)parameters.DeepClone(),
        DataContainer = this.dataContainer,
        FirstPollInterval = this.options.FirstPollInterval,
        MaxPollInterval = this.options.MaxPollInterval,
        ChainFastJobs = this.options.ChainFastJobs,
    };

    /// <summary>
    /// Starts a run unless an instance with its id exists in any state. A finished run is never restarted; of two
    /// callers racing on one id, exactly one starts it (the other gets <see cref="OrchestrationAlreadyExistsException"/>).
    /// </summary>
    /// <param name="input">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when this call started the run.</returns>
    public async Task<bool> StartIfAbsentAsync(DagRunInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (await this.client.GetInstanceAsync(input.RunId, false, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        try
        {
            await this.client.ScheduleNewOrchestrationInstanceAsync(nameof(DagRunOrchestrator), input, new StartOrchestrationOptions(input.RunId), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
    }

    /// <summary>Counts the pending and running runs of a DAG whose ids are derived (<see cref="RunIdPrefix"/>).</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    public async Task<int> CountActiveAsync(string dagId, CancellationToken cancellationToken = default)
    {
        var prefix = RunIdPrefix(dagId);
        var count = 0;
        string? continuation = null;
        do
        {
            var page = await this.client.QueryInstancesAsync(
                new OrchestrationQuery { Name = nameof(DagRunOrchestrator), Statuses = ActiveStatuses, PageSize = 1000, ContinuationToken = continuation },
                cancellationToken).ConfigureAwait(false);
            count += page.Instances.Count(i => i.InstanceId.StartsWith(prefix, StringComparison.Ordinal));
            continuation = page.ContinuationToken;
        }
        while (continuation is not null);
        return count;
    }
}
