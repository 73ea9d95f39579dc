using System.Text.Json.Nodes;

namespace Serverless.Pipelines.Orchestration;

/// <summary>The input of <see cref="DagRunOrchestrator"/>: everything one run needs, so the run never reads the catalog.</summary>
public sealed record DagRunInput
{
    /// <summary>
    /// Gets when this run id was reset (purged and started again by a backfill with reset), or null. Job idempotency
    /// keys include it, so the restarted run submits new jobs instead of finding the purged run's.
    /// </summary>
    public DateTimeOffset? ResetAt { get; init; }

    /// <summary>Gets the DAG id.</summary>
    public required string DagId { get; init; }

    /// <summary>Gets the DAG definition as exported JSON (see <see cref="Loading.DagJsonExporter"/>); the run executes exactly this version.</summary>
    public required string DagJson { get; init; }

    /// <summary>Gets the run id (the orchestration instance id).</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the logical date.</summary>
    public required DateTimeOffset LogicalDate { get; init; }

    /// <summary>Gets the start of the data interval.</summary>
    public required DateTimeOffset DataIntervalStart { get; init; }

    /// <summary>Gets the end of the data interval.</summary>
    public required DateTimeOffset DataIntervalEnd { get; init; }

    /// <summary>Gets the resolved parameter values (defaults applied).</summary>
    public JsonObject Params { get; init; } = [];

    /// <summary>Gets the data container outputs are written to.</summary>
    public string DataContainer { get; init; } = Spark.SparkResourceNames.DataContainer;

    /// <summary>Gets how the run was started (schedule, backfill, manual, rerun); null for runs started before it was recorded.</summary>
    public Runs.DagRunTriggeredBy? TriggeredBy { get; init; }

    /// <summary>Gets the run this one reruns, or <see langword="null"/>.</summary>
    public string? RerunOf { get; init; }

    /// <summary>Gets the task instances reused from <see cref="RerunOf"/>: their state and outputs are taken as recorded and their jobs are not submitted again.</summary>
    public IReadOnlyList<TaskInstanceRecord> Reused { get; init; } = [];

    /// <summary>Gets the first interval between job status polls. The default is 1 second.</summary>
    public TimeSpan FirstPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets the longest interval between job status polls, and the fallback poll of a job whose end is pushed. The default is 15 seconds.</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The default of <see cref="PollBackoffFactor"/>.</summary>
    public const double DefaultPollBackoffFactor = 1.5;

    /// <summary>Gets what each poll interval is multiplied by, up to <see cref="MaxPollInterval"/>. The default is 1.5.</summary>
    public double PollBackoffFactor { get; init; } = DefaultPollBackoffFactor;

    /// <summary>
    /// Gets a value indicating whether a job that is finished at submit starts its ready downstream jobs in the same
    /// activity (see <see cref="StartTaskJobInput.Chained"/>). The default is true.
    /// </summary>
    public bool ChainFastJobs { get; init; } = true;

    /// <summary>
    /// Gets the token of the start request that created the run. Two callers racing to start one run id both get
    /// through the provider (it ignores the second start); the instances row keeps the input of the one whose insert
    /// won, so the token tells the caller whether the run is its own.
    /// </summary>
    public string? StartToken { get; init; }

    /// <summary>
    /// Gets the most instances of a mapped task that run in the run's own orchestration; a task mapped over more runs
    /// its instances in chunks of this size, each in a <see cref="MappedTaskOrchestrator"/>. Zero (the default, and
    /// what runs started before chunks existed have) never splits. Set from <see cref="Service.PipelineOptions.MapChunkSize"/>.
    /// </summary>
    public int MapChunkSize { get; init; }

    /// <summary>
    /// Gets a value indicating whether the run waits in state queued for one of its DAG's <c>maxActiveRuns</c> run
    /// slots (<see cref="AcquireRunSlot"/>) and gives it back when it ends. Runs started before slots existed have it
    /// false, so their replay does not change. Set by <see cref="Service.DagRunStarter.CreateInput"/>.
    /// </summary>
    public bool UsesRunSlot { get; init; }

    /// <summary>
    /// Gets the pools configured with slots when the run was created (set by <see cref="Service.DagRunStarter.CreateInput"/>).
    /// A task in <c>default_pool</c> takes slots only when that pool is listed; a task in any other pool always asks
    /// for slots (and fails when the pool is not configured). Runs created before pools existed list none, so their
    /// replay does not change.
    /// </summary>
    public IReadOnlyList<string> LimitedPools { get; init; } = [];

    /// <summary>
    /// Gets a value indicating whether the run keeps its task records in <see cref="Runs.Tasks.RunTaskStore"/>, carried
    /// by activities it calls anyway, and its custom status small (counts only). Runs started before the store existed
    /// have it false: they keep every record in their status and schedule their activities as before, so their replay
    /// does not change. Set by <see cref="Service.DagRunStarter.CreateInput"/>.
    /// </summary>
    public bool StoresTaskRecords { get; init; }

    /// <summary>
    /// Gets a value indicating whether the job submits that the run's tasks ask for while one step starts them go
    /// together, in one <see cref="StartTaskJobs"/> activity (see <see cref="JobSubmitBatcher"/>), not one
    /// <see cref="StartTaskJob"/> each. Runs started before batches existed have it false, so their replay does not
    /// change. Set by <see cref="Service.DagRunStarter.CreateInput"/>.
    /// </summary>
    public bool BatchesJobSubmits { get; init; }

    /// <summary>
    /// Gets a value indicating whether more submits go together (<see cref="JobSubmitBatcher"/>): those of a mapped
    /// task's instances started at once (its first slots, and every slot freed in one step), and those asked for while
    /// a batch's outcomes are handed to their attempts. Runs started before have it false, so their replay does not
    /// change. Set by <see cref="Service.DagRunStarter.CreateInput"/>.
    /// </summary>
    public bool BatchesMappedSubmits { get; init; }

    /// <summary>
    /// Gets a value indicating whether a run ended by an operator's run mark sends no run_success / run_failed
    /// notification, as Airflow runs no callback for a state set from the UI or CLI. Runs started before this have it
    /// false and notify as they did, so their replay does not change. Set by <see cref="Service.DagRunStarter.CreateInput"/>.
    /// </summary>
    public bool QuietRunMarks { get; init; }

    /// <summary>Gets how run-triggered state changes are reported: <see langword="true"/> writes the manifest as tasks finish, not only at the end. The default is true.</summary>
    public bool WriteManifestAsTasksFinish { get; init; } = true;

    /// <summary>Gets the retry policy of the run's notification deliveries (settings <c>Serverless__NotificationDelivery__*</c>).</summary>
    public Notifications.NotificationRetry NotificationRetry { get; init; } = new();
}
