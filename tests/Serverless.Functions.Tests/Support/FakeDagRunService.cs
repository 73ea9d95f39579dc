using System.Collections.Concurrent;
using System.Text.Json;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Notifications;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Service;

namespace Serverless.Functions.Tests.Support;

/// <summary>
/// An in-memory run service for the API shape tests (status codes, headers, problems); the runs' real behaviour is
/// tested with the DAG layer's service.
/// </summary>
internal sealed class FakeDagRunService : IDagRunService
{
    private readonly List<DagLoadResult> dags;

    public FakeDagRunService()
    {
        var hello = DagFileLoader.Load("id: hello\ntasks:\n  - id: square\n    kind: sql\n    sql: SELECT 13 * 13 AS squared\n    outputs: [result]\n", "hello.yaml");
        var broken = DagFileLoader.Load("id: broken\ntasks:\n  - id: a\n    kind: sql\n    dependsOn: [missing]\n    sql: SELECT 1\n", "broken.yaml");
        this.dags = [hello, broken];
    }

    public ConcurrentDictionary<string, DagRunInfo> Runs { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<(string DagId, RunAuditEntry Entry)> DagAudit { get; } = new();

    public List<NotificationDeadLetterRow> DeadLetters { get; } = [];

    public Func<DateTimeOffset, IReadOnlyList<string>> DueRuns { get; set; } = _ => [];

    public IReadOnlyList<DagLoadResult> ListDags() => this.dags;

    public DagDefinition? FindDag(string dagId) => this.dags.FirstOrDefault(d => d.IsValid && d.Dag!.Id == dagId)?.Dag;

    public Task RefreshDagsAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<DagRunStartResult> TriggerAsync(string dagId, DagRunTrigger trigger, CancellationToken cancellationToken = default)
    {
        if (this.FindDag(dagId) is null)
        {
            throw new DagNotFoundException($"DAG '{dagId}' is not deployed.");
        }

        if (trigger.Params?.ContainsKey("bad") == true)
        {
            throw new DagRunRequestException("invalid params", ["param 'bad' is not declared by DAG 'hello'"]);
        }

        var runId = trigger.RunId ?? "manual__" + Guid.NewGuid().ToString("N")[..8];
        if (this.Runs.TryGetValue(runId, out var existing))
        {
            return existing.DagId == dagId
                ? Task.FromResult(new DagRunStartResult(runId, dagId, false))
                : throw new DagRunConflictException($"Run id '{runId}' belongs to DAG '{existing.DagId}'.");
        }

        this.Runs[runId] = new DagRunInfo { RunId = runId, DagId = dagId, State = DagRunState.Queued, Params = trigger.Params, LogicalDate = trigger.LogicalDate, CreatedAt = DateTimeOffset.UtcNow };
        this.Calls.Enqueue($"trigger {dagId} {runId}");
        return Task.FromResult(new DagRunStartResult(runId, dagId, true));
    }

    public Task<DagRunInfo?> GetRunAsync(string runId, CancellationToken cancellationToken = default) =>
        Task.FromResult(this.Runs.TryGetValue(runId, out var run) ? run : null);

    public Task<DagRunPage> ListRunsAsync(DagRunQuery query, CancellationToken cancellationToken = default)
    {
        var all = this.Runs.Values.Where(r => query.DagId is null || r.DagId == query.DagId).Where(r => query.State is null || r.State == query.State)
            .OrderBy(r => r.RunId, StringComparer.Ordinal).ToList();
        var skip = query.Continuation is null ? 0 : int.Parse(query.Continuation, System.Globalization.CultureInfo.InvariantCulture);
        var page = all.Skip(skip).Take(query.PageSize).ToList();
        var next = skip + page.Count < all.Count ? (skip + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        return Task.FromResult(new DagRunPage(page, next));
    }

    public Task<RunIndexPage<IndexedTaskInstance>> ListTaskInstancesAsync(TaskInstanceQuery query, CancellationToken cancellationToken = default)
    {
        var items = this.Runs.Values
            .Where(r => query.DagId is null || r.DagId == query.DagId)
            .SelectMany(r => r.Tasks.Select(t => new IndexedTaskInstance(r.RunId, r.DagId, r.LogicalDate ?? r.CreatedAt, r.State, new RunIndexTask(t.Id, t.MapIndex, t.State, t.Attempts, t.StartedAt, t.EndedAt))))
            .Where(i => query.State is null || i.Task.State == query.State)
            .ToList();
        this.Calls.Enqueue($"task-instances {query.DagId} {query.TaskId} {query.State} {query.PageSize}");
        return Task.FromResult(new RunIndexPage<IndexedTaskInstance>(items, null));
    }

    public Task<DagRunInfo> MarkAsync(string runId, DagRunMarkRequest request, CancellationToken cancellationToken = default)
    {
        var run = this.Require(runId);
        this.Calls.Enqueue($"mark {runId} {request.TaskId ?? "run"} {request.State} by {request.RequestedBy}");
        return Task.FromResult(run with { State = request.TaskId is null ? request.State : run.State, MarkedBy = request.RequestedBy });
    }

    public Task TerminateAsync(string runId, string? reason, string requestedBy, CancellationToken cancellationToken = default)
    {
        this.Require(runId);
        this.Calls.Enqueue($"terminate {runId} {reason} by {requestedBy}");
        return Task.CompletedTask;
    }

    public Task RaiseEventAsync(string runId, string eventName, JsonElement? payload, CancellationToken cancellationToken = default)
    {
        this.Require(runId);
        this.Calls.Enqueue($"event {runId} {eventName} {payload?.GetRawText()}");
        return Task.CompletedTask;
    }

    public Task<DagRunStartResult> RerunAsync(string runId, DagRerunRequest request, CancellationToken cancellationToken = default)
    {
        var run = this.Require(runId);
        this.Calls.Enqueue($"rerun {runId} {string.Join(',', request.Tasks ?? [])} {request.OnlyFailed}");
        this.Calls.Enqueue($"clear {runId} downstream {request.Downstream} upstream {request.Upstream} by {request.RequestedBy}");
        return this.TriggerAsync(run.DagId, new DagRunTrigger(RunId: runId + "-rerun"), cancellationToken);
    }

    public Task<bool> PurgeAsync(string runId, bool deleteData, CancellationToken cancellationToken = default)
    {
        this.Calls.Enqueue($"purge {runId} {deleteData}");
        return Task.FromResult(this.Runs.TryRemove(runId, out _));
    }

    public Task<IReadOnlyList<DagRunStartResult>> BackfillAsync(string dagId, DateTimeOffset from, DateTimeOffset to, int? maxActiveRuns, DagBackfillOptions? options = null, CancellationToken cancellationToken = default)
    {
        _ = this.FindDag(dagId) ?? throw new DagNotFoundException($"DAG '{dagId}' is not deployed.");
        this.Calls.Enqueue($"backfill {dagId} {from:O} {to:O} {maxActiveRuns}");
        this.Calls.Enqueue($"backfill-options reset {options?.Reset ?? false} params {options?.Params?.ToJsonString() ?? "none"} by {options?.RequestedBy}");
        IReadOnlyList<DagRunStartResult> runs = [new DagRunStartResult("scheduled__a", dagId, true), new DagRunStartResult("scheduled__b", dagId, false)];
        return Task.FromResult(runs);
    }

    public Task<IReadOnlyList<string>> StartDueRunsAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        this.Calls.Enqueue("due");
        return Task.FromResult(this.DueRuns(now));
    }

    public Task<int> PurgeFinishedRunsAsync(DateTimeOffset finishedBefore, CancellationToken cancellationToken = default)
    {
        this.Calls.Enqueue($"purge-finished {finishedBefore:O}");
        return Task.FromResult(3);
    }

    public ConcurrentDictionary<string, bool> Paused { get; } = new(StringComparer.Ordinal);

    public Task<bool> IsPausedAsync(string dagId, CancellationToken cancellationToken = default)
    {
        _ = this.FindDag(dagId) ?? throw new DagNotFoundException($"DAG '{dagId}' is not deployed.");
        return Task.FromResult(this.Paused.GetValueOrDefault(dagId, true));
    }

    public Task<IReadOnlyList<RunAuditEntry>> GetDagAuditAsync(string dagId, CancellationToken cancellationToken = default)
    {
        _ = this.FindDag(dagId) ?? throw new DagNotFoundException($"DAG '{dagId}' is not deployed.");
        return Task.FromResult<IReadOnlyList<RunAuditEntry>>(this.DagAudit.Where(a => a.DagId == dagId).Select(a => a.Entry).Reverse().ToList());
    }

    public Task<IReadOnlyList<NotificationDeadLetterRow>> ListDeadLettersAsync(string dagId, string? runId, CancellationToken cancellationToken = default)
    {
        this.Calls.Enqueue($"dead-letters {dagId} {runId}");
        return Task.FromResult<IReadOnlyList<NotificationDeadLetterRow>>(this.DeadLetters.Where(d => d.DagId == dagId && (runId is null || d.RunId == runId)).ToList());
    }

    public Task<RunIndexBackfillCursor> BackfillRunIndexAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new RunIndexBackfillCursor(null, true, 0, 0));

    public Task SetPausedAsync(string dagId, bool paused, string changedBy, CancellationToken cancellationToken = default)
    {
        _ = this.FindDag(dagId) ?? throw new DagNotFoundException($"DAG '{dagId}' is not deployed.");
        this.Calls.Enqueue($"{(paused ? "pause" : "unpause")} {dagId} by {changedBy}");
        this.DagAudit.Enqueue((dagId, new RunAuditEntry(DateTimeOffset.UnixEpoch, changedBy, paused ? "pause" : "unpause", null)));
        this.Paused[dagId] = paused;
        return Task.CompletedTask;
    }

    private DagRunInfo Require(string runId) =>
        this.Runs.TryGetValue(runId, out var run) ? run : throw new DagRunNotFoundException($"Run '{runId}' does not exist.");
}
