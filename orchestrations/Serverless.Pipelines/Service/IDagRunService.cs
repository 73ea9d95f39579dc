using System.Text.Json;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Runs.Index;

namespace Serverless.Pipelines.Service;

/// <summary>
/// What the Functions app (HTTP API, scheduler, maintenance, CLI) calls to work with DAGs and their
/// runs. A run is one durable orchestration whose instance id is the run id.
/// </summary>
/// <remarks>
/// Errors: <see cref="DagNotFoundException"/> and <see cref="DagRunNotFoundException"/> (404),
/// <see cref="DagRunRequestException"/> with every problem (400), <see cref="DagRunConflictException"/> (409).
/// </remarks>
public interface IDagRunService
{
    /// <summary>Gets every DAG file the catalog loaded, valid or not (invalid ones carry their problems).</summary>
    /// <returns>The load results.</returns>
    IReadOnlyList<DagLoadResult> ListDags();

    /// <summary>Finds a valid DAG by id.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <returns>The DAG, or null.</returns>
    DagDefinition? FindDag(string dagId);

    /// <summary>Re-reads the DAG folder or container.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task RefreshDagsAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts a run; a repeated run id returns the existing run (<see cref="DagRunStartResult.Created"/> false).</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="trigger">Params, logical date and optional run id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run id and whether it was created.</returns>
    Task<DagRunStartResult> TriggerAsync(string dagId, DagRunTrigger trigger, CancellationToken cancellationToken = default);

    /// <summary>Gets a run with its task instances, or null when unknown.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run.</returns>
    Task<DagRunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    /// <summary>Lists runs from the runs index, newest logical date first across pages; every page is full but the last.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page.</returns>
    Task<DagRunPage> ListRunsAsync(DagRunQuery query, CancellationToken cancellationToken = default);

    /// <summary>Lists task instances across runs from the runs index, runs newest first.</summary>
    /// <param name="query">Filters and paging.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>One page.</returns>
    Task<RunIndexPage<IndexedTaskInstance>> ListTaskInstancesAsync(TaskInstanceQuery query, CancellationToken cancellationToken = default);

    /// <summary>Marks a finished run, or one of its tasks, success or failed; the mark is kept beside the run and shown wherever it is read.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="request">The state, the task and who asked.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run with the mark applied.</returns>
    Task<DagRunInfo> MarkAsync(string runId, DagRunMarkRequest request, CancellationToken cancellationToken = default);

    /// <summary>Terminates a running run and cancels its in-flight Spark jobs; the run's audit trail records who asked.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="reason">The reason.</param>
    /// <param name="requestedBy">Who asked (the API key's name or the signed-in principal).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task TerminateAsync(string runId, string? reason, string requestedBy, CancellationToken cancellationToken = default);

    /// <summary>Raises an event for a run (external-event sensors wait for these).</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="eventName">The event name.</param>
    /// <param name="payload">The JSON payload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task RaiseEventAsync(string runId, string eventName, JsonElement? payload, CancellationToken cancellationToken = default);

    /// <summary>Starts a new run from a finished one that re-executes failed (or chosen) tasks and everything downstream, reusing the rest.</summary>
    /// <param name="runId">The finished run.</param>
    /// <param name="request">Which tasks.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new run.</returns>
    Task<DagRunStartResult> RerunAsync(string runId, DagRerunRequest request, CancellationToken cancellationToken = default);

    /// <summary>Deletes a finished run's state, and its data blobs when asked.</summary>
    /// <param name="runId">The run id.</param>
    /// <param name="deleteData">Whether to delete <c>{dag}/{runId}/</c> in the data container too.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>False when the run was unknown.</returns>
    Task<bool> PurgeAsync(string runId, bool deleteData, CancellationToken cancellationToken = default);

    /// <summary>Starts a run for every schedule point in [from, to], at most <paramref name="maxActiveRuns"/> at once; repeating it creates no duplicates.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="from">The first logical date (inclusive).</param>
    /// <param name="to">The last logical date (inclusive).</param>
    /// <param name="maxActiveRuns">The concurrency limit; the DAG's max active runs when null.</param>
    /// <param name="options">Params for the runs, and whether existing runs are reset (purged and started again); null for none.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The runs, one per schedule point.</returns>
    Task<IReadOnlyList<DagRunStartResult>> BackfillAsync(string dagId, DateTimeOffset from, DateTimeOffset to, int? maxActiveRuns, DagBackfillOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The scheduler tick: starts the due runs of every scheduled DAG (catchup semantics, max active runs); safe to run concurrently.</summary>
    /// <param name="now">The current time.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The run ids started by this call.</returns>
    Task<IReadOnlyList<string>> StartDueRunsAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Purges runs that finished before <paramref name="finishedBefore"/> (the maintenance timer).</summary>
    /// <param name="finishedBefore">The cut-off.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many runs were purged.</returns>
    Task<int> PurgeFinishedRunsAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes one bounded step of the one-time backfill of the runs index from the task hub's instance query (runs
    /// started before the index existed); the scheduler tick calls it until it reports done.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The progress so far.</returns>
    Task<RunIndexBackfillCursor> BackfillRunIndexAsync(CancellationToken cancellationToken = default);

    /// <summary>Gets whether a DAG is paused (the scheduler skips it; manual triggers and backfills still run).</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when paused.</returns>
    Task<bool> IsPausedAsync(string dagId, CancellationToken cancellationToken = default);

    /// <summary>Gets a DAG's latest operator actions, newest first: pause, unpause, trigger, backfill.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>At most 50 entries.</returns>
    Task<IReadOnlyList<RunAuditEntry>> GetDagAuditAsync(string dagId, CancellationToken cancellationToken = default);

    /// <summary>Lists the notifications of a DAG (or of one of its runs) whose delivery used up its attempts, newest first.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="runId">Only this run, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>At most 200 dead letters.</returns>
    Task<IReadOnlyList<Notifications.NotificationDeadLetterRow>> ListDeadLettersAsync(string dagId, string? runId, CancellationToken cancellationToken = default);

    /// <summary>Pauses or unpauses a DAG; the DAG's audit trail records it.</summary>
    /// <param name="dagId">The DAG id.</param>
    /// <param name="paused">The new state.</param>
    /// <param name="changedBy">Who asked (recorded with the state).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    Task SetPausedAsync(string dagId, bool paused, string changedBy, CancellationToken cancellationToken = default);
}
