using DurableTask.Core.Exceptions;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Orchestration;
using Serverless.Spark.Hosting;

namespace Serverless.Pipelines.Service;

/// <summary>
/// Starts DAG runs exactly once per run id and counts a DAG's active runs: shared by the service, the scheduler tick
/// and backfills.
/// </summary>
public sealed class DagRunStarter
{
    private static readonly OrchestrationRuntimeStatus[] AllStatuses =
    [
        OrchestrationRuntimeStatus.Pending,
        OrchestrationRuntimeStatus.Running,
        OrchestrationRuntimeStatus.Suspended,
        OrchestrationRuntimeStatus.Completed,
        OrchestrationRuntimeStatus.Failed,
        OrchestrationRuntimeStatus.Terminated,
    ];

    private static readonly OrchestrationRuntimeStatus[] ActiveStatuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running, OrchestrationRuntimeStatus.Suspended];
    private readonly PipelineOptions options;
    private readonly string dataContainer;
    private readonly Notifications.NotificationRetry notificationRetry;

    /// <summary>Initializes a new instance of the <see cref="DagRunStarter"/> class.</summary>
    /// <param name="options">The pipeline options.</param>
    /// <param name="sparkOptions">The Spark options (data container).</param>
    /// <param name="notifications">The notification settings (the delivery retry policy runs carry).</param>
    public DagRunStarter(IOptions<PipelineOptions> options, IOptions<SparkOptions> sparkOptions, IOptions<Notifications.NotificationOptions>? notifications = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(sparkOptions);
        this.options = options.Value;
        this.dataContainer = sparkOptions.Value.DataContainer;
        this.notificationRetry = notifications?.Value.Retry ?? new();
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
    public DagRunInput CreateInput(string dagId, string dagJson, string runId, DateTimeOffset logicalDate, DateTimeOffset intervalStart, DateTimeOffset intervalEnd, JsonObject parameters) => this.WithCurrentBehaviour(new()
    {
        DagId = dagId,
        DagJson = dagJson,
        RunId = runId,
        LogicalDate = logicalDate,
        DataIntervalStart = intervalStart,
        DataIntervalEnd = intervalEnd,
        Params = (JsonObject)parameters.DeepClone(),
        DataContainer = this.dataContainer,
    });

    /// <summary>
    /// Gives a run's input this host's settings and every behaviour flag of the current orchestrator. A new run and a
    /// rerun (a new orchestration, with no history to replay) both take them; only a run already started keeps the
    /// flags it started with.
    /// </summary>
    /// <param name="input">The input.</param>
    /// <returns>The input with the current settings and flags.</returns>
    public DagRunInput WithCurrentBehaviour(DagRunInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input with
        {
            FirstPollInterval = this.options.FirstPollInterval,
            MaxPollInterval = this.options.MaxPollInterval,
            PollBackoffFactor = this.options.PollBackoffFactor,
            ChainFastJobs = this.options.ChainFastJobs,
            UsesRunSlot = true,
            LimitedPools = [.. Pools.PoolLimits.Limited(this.options.Pools).Select(p => p.Key)],
            StoresTaskRecords = true,
            QuietRunMarks = true,
            BatchesJobSubmits = true,
            BatchesMappedSubmits = true,
            MapChunkSize = Math.Max(0, this.options.MapChunkSize),
            NotificationRetry = this.notificationRetry,
        };
    }

    /// <summary>
    /// Starts a run unless an instance with its id exists in any state. A finished run is never restarted; of two
    /// callers racing on one id, exactly one reports it started: the provider refuses an id in any of
    /// <see cref="AllStatuses"/> (<see cref="OrchestrationAlreadyExistsException"/>); of two starts that both pass that
    /// check, the provider keeps one instances row and runs one execution, and the <see cref="DagRunInput.StartToken"/>
    /// in that row names the caller that won.
    /// </summary>
    /// <param name="client">The durable client (in Azure, the one bound to the calling function).</param>
    /// <param name="input">The run.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when this call started the run.</returns>
    public static async Task<bool> StartIfAbsentAsync(DurableTaskClient client, DagRunInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(input);
        if (await client.GetInstanceAsync(input.RunId, false, cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        var token = Guid.NewGuid().ToString("N");
        try
        {
            var options = new StartOrchestrationOptions(input.RunId).WithDedupeStatuses(AllStatuses);
            await client.ScheduleNewOrchestrationInstanceAsync(nameof(DagRunOrchestrator), input with { StartToken = token }, options, cancellationToken).ConfigureAwait(false);
            var stored = await client.GetInstanceAsync(input.RunId, true, cancellationToken).ConfigureAwait(false);
            return stored?.ReadInputAs<DagRunInput>()?.StartToken is not { } winner || winner == token;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The race lost at the instances-row insert surfaces as a storage conflict through the sidecar: the run
            // exists, started by the other caller (the provider ignores the second start message).
            if (await client.GetInstanceAsync(input.RunId, false, cancellationToken).ConfigureAwait(false) is not null)
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>Counts the pending and running runs of a DAG whose ids are derived (<see cref="RunIdPrefix"/>).</summary>
    /// <param name="client">The durable client.</param>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    public static async Task<int> CountActiveAsync(DurableTaskClient client, string dagId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var query = new OrchestrationQuery { Statuses = ActiveStatuses, InstanceIdPrefix = RunIdPrefix(dagId), PageSize = 1000 };
        var count = 0;
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            // The prefix also matches the DAG's backfill instances, which are not runs.
            if (string.Equals(instance.Name, nameof(DagRunOrchestrator), StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }
}
