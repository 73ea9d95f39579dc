using System.Globalization;
using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Scheduling;

namespace Serverless.Pipelines.Service;

/// <summary>
/// Reruns (Airflow's clear): a new run <c>{runId}-rerun-{n}</c> from a finished one that executes the chosen or failed
/// tasks and what a changed definition touches, and reuses the records of the rest.
/// </summary>
internal sealed class DagReruns
{
    private readonly DagCatalog catalog;
    private readonly DurableTaskClient client;
    private readonly DagRunStarter starter;
    private readonly DagRunLists lists;
    private readonly DagRunAnnotations annotations;
    private readonly TimeProvider time;

    public DagReruns(DagCatalog catalog, DurableTaskClient client, DagRunStarter starter, DagRunLists lists, DagRunAnnotations annotations, TimeProvider time)
    {
        this.catalog = catalog;
        this.client = client;
        this.starter = starter;
        this.lists = lists;
        this.annotations = annotations;
        this.time = time;
    }

    /// <summary>Starts the rerun of a finished run; see <see cref="IDagRunService.RerunAsync"/>.</summary>
    public async Task<DagRunStartResult> StartAsync(string runId, DagRerunRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metadata = await DagRunInfoReader.RequireRunAsync(this.client, runId, true, cancellationToken).ConfigureAwait(false);
        if (!(DagRunInfoReader.ToInfo(metadata) is { } settled && DagRunInfoReader.IsSettled(metadata, settled)))
        {
            throw new DagRunConflictException($"Run '{runId}' is still {metadata.RuntimeStatus}; rerun it when it has finished.");
        }

        var input = metadata.ReadInputAs<DagRunInput>() ?? throw new DagRunConflictException($"Run '{runId}' has no input to rerun from.");
        var previous = metadata.RuntimeStatus == OrchestrationRuntimeStatus.Completed ? metadata.ReadOutputAs<DagRunResult>() : metadata.ReadCustomStatusAs<DagRunResult>();
        var original = DagFileLoader.Load(input.DagJson, input.DagId + ".json").Dag ?? throw new DagRunConflictException($"The DAG of run '{runId}' can no longer be read.");
        var dag = original;
        var dagJson = input.DagJson;
        if (!request.UseOriginalDefinition)
        {
            // As Airflow's clear: the file as it is now, so a fix to the SQL is what runs.
            dag = await this.catalog.FindAsync(input.DagId, cancellationToken).ConfigureAwait(false)
                ?? throw new DagNotFoundException($"DAG '{input.DagId}' is not loaded now (or its file has problems); rerun with \"definition\": \"original\" to use the definition run '{runId}' pinned.");
            dagJson = DagJsonExporter.Export(dag);
        }

        var graph = new DagGraph(dag);
        // Marks count as the tasks' states: a task marked success is reused, one marked failed runs again.
        var records = DagRunAnnotations.Apply(previous?.Tasks ?? [], await this.annotations.MarksAsync(runId, cancellationToken).ConfigureAwait(false));
        IEnumerable<string> clear;
        if (request.Tasks is { Count: > 0 } chosen)
        {
            var unknown = chosen.Where(t => dag.FindTask(t) is null).ToList();
            if (unknown.Count > 0)
            {
                throw new DagRunRequestException("Unknown tasks.", unknown.Select(t => $"task '{t}' is not in DAG '{dag.Id}'").ToList());
            }

            // As Airflow's clear: upstream adds the tasks' ancestors to the selection.
            clear = request.Upstream ? chosen.Concat(chosen.SelectMany(graph.AncestorsOf)).Distinct(StringComparer.Ordinal).ToList() : chosen;
        }
        else if (request.OnlyFailed)
        {
            var succeeded = records.GroupBy(r => r.TaskId, StringComparer.Ordinal)
                .Where(g => g.All(r => r.State is TaskInstanceState.Success or TaskInstanceState.Skipped))
                .Select(g => g.Key)
                .ToHashSet(StringComparer.Ordinal);
            clear = dag.Tasks.Select(t => t.Id).Where(id => !succeeded.Contains(id));
        }
        else
        {
            clear = dag.Tasks.Select(t => t.Id);
        }

        // A task whose definition changed (or is new) is not reused: it runs again, with everything downstream.
        var before = DagDefinitionHash.OfTasks(input.DagJson);
        var now = DagDefinitionHash.OfTasks(dagJson);
        var changed = now.Where(t => before.GetValueOrDefault(t.Key) != t.Value).Select(t => t.Key);
        var cleared = (request.Downstream ? graph.DownstreamClosure(clear) : clear).Concat(graph.DownstreamClosure(changed)).ToHashSet(StringComparer.Ordinal);
        if (cleared.Count == 0)
        {
            throw new DagRunRequestException($"Run '{runId}' has no failed tasks to rerun; name the tasks to rerun.");
        }

        var reused = records.Where(r => !cleared.Contains(r.TaskId) && now.ContainsKey(r.TaskId)).ToList();
        var baseId = RerunBase(runId);
        string newId;
        var n = 1;
        while (true)
        {
            newId = string.Create(CultureInfo.InvariantCulture, $"{baseId}-rerun-{n}");
            if (!DagRunIds.IsValid(newId, out var error))
            {
                throw new DagRunRequestException(error!);
            }

            if (await this.client.GetInstanceAsync(newId, false, cancellationToken).ConfigureAwait(false) is null)
            {
                break;
            }

            n++;
        }

        var rerun = this.starter.WithCurrentBehaviour(input with
        {
            DagJson = dagJson,
            RunId = newId,
            RerunOf = runId,
            TriggeredBy = DagRunTriggeredBy.Rerun,
            Reused = reused,
        });
        var created = await this.lists.StartAsync(rerun, this.time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        if (created)
        {
            var by = request.RequestedBy ?? "anonymous";
            var at = this.time.GetUtcNow();
            var what = string.Join(", ", graph.TopologicalOrder.Where(cleared.Contains));
            var flags = $"downstream {(request.Downstream ? "on" : "off")}, upstream {(request.Upstream ? "on" : "off")}, definition {(request.UseOriginalDefinition ? "original" : "current")}";
            await this.annotations.AuditAsync(runId, new RunAuditEntry(at, by, "clear", $"cleared {what} ({flags}) into run {newId}"), cancellationToken).ConfigureAwait(false);
            await this.annotations.AuditAsync(newId, new RunAuditEntry(at, by, "cleared-from", $"rerun of {runId}: {what} ({flags})"), cancellationToken).ConfigureAwait(false);
        }

        return new DagRunStartResult(newId, input.DagId, created);
    }

    private static string RerunBase(string runId)
    {
        var marker = runId.LastIndexOf("-rerun-", StringComparison.Ordinal);
        return marker > 0 && int.TryParse(runId.AsSpan(marker + 7), NumberStyles.None, CultureInfo.InvariantCulture, out _) ? runId[..marker] : runId;
    }
}
