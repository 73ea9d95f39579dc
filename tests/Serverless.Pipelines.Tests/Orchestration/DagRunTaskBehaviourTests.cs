using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Spark.Jobs;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>Retries, timeouts, termination, templating, mapping and branches through the DAG orchestrator, on a Spark backend double.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class DagRunTaskBehaviourTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Run_TaskFailsTwice_RetriesWithExponentialBackoffThenSucceeds()
    {
        var dag = PipelineTestHost.Dag("""
            id: retrying
            tasks:
              - id: flaky
                kind: sql
                sql: SELECT 1
                outputs: [rows]
                retries: 3
                retryDelay: 1s
                retryExponentialBackoff: true
            """);
        var backend = new FakeSparkBackend { Outcome = (_, key) => key.EndsWith(":1", StringComparison.Ordinal) || key.EndsWith(":2", StringComparison.Ordinal) ? SparkJobState.Failed : SparkJobState.Succeeded };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend);

        var run = await host.RunAsync("retrying");

        var task = Assert.Single(run.Tasks);
        Assert.Equal(TaskInstanceState.Success, task.State);
        Assert.Equal(3, task.Attempts);
        var submits = backend.Submitted.Select(s => s.At).ToList();
        Assert.Equal(3, submits.Count);

        // Delays 1 s then 2 s (retryDelay × 2^(n−1)); durable timers never fire early.
        Assert.True(submits[1] - submits[0] >= TimeSpan.FromSeconds(0.95), $"first retry after {(submits[1] - submits[0]).TotalMilliseconds} ms");
        Assert.True(submits[2] - submits[1] >= TimeSpan.FromSeconds(1.95), $"second retry after {(submits[2] - submits[1]).TotalMilliseconds} ms");
        var manifest = await host.ReadManifestAsync("retrying", run.RunId);
        var starts = manifest["tasks"]![0]!["attemptStarts"]!.AsArray().Select(s => DateTime.Parse(s!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind)).ToList();
        Assert.Equal(3, starts.Count);
        Assert.True(starts[2] - starts[1] >= TimeSpan.FromSeconds(2) && starts[1] - starts[0] >= TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Run_JobRunsPastExecutionTimeout_CancelsJobOnBackendAndFails()
    {
        var dag = PipelineTestHost.Dag("""
            id: slow
            tasks:
              - { id: hang, kind: sql, sql: SELECT 1, outputs: [rows], executionTimeout: 2s }
              - { id: after, kind: sql, dependsOn: [hang], sql: SELECT 1, outputs: [rows] }
            """);
        var backend = new FakeSparkBackend { Outcome = (_, _) => SparkJobState.Running };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend);

        var run = await host.RunAsync("slow");

        var hang = run.Tasks.Single(t => t.Id == "hang");
        Assert.Equal(TaskInstanceState.Failed, hang.State);
        Assert.Contains("timeout", hang.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal([hang.JobId!], backend.Cancelled.ToArray());
        Assert.Equal(TaskInstanceState.UpstreamFailed, run.Tasks.Single(t => t.Id == "after").State);
        Assert.Equal(DagRunState.Failed, run.State);
    }

    [Fact]
    public async Task Run_ManyReadyLongJobs_NeverMoreRunningThanMaxActiveTasks()
    {
        var children = string.Join("\n", Enumerable.Range(0, 8).Select(i => $"  - {{ id: c{i}, kind: sql, dependsOn: [root], sql: SELECT {i}, outputs: [rows], executionTimeout: 1s }}"));
        var dag = PipelineTestHost.Dag("id: bounded\nmaxActiveTasks: 3\ntasks:\n  - { id: root, kind: sql, sql: SELECT 1, outputs: [rows] }\n" + children + "\n");
        var backend = new FakeSparkBackend { Outcome = (spec, _) => spec.Name == "bounded.root" ? SparkJobState.Succeeded : SparkJobState.Running };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend);

        var run = await host.RunAsync("bounded");

        Assert.Equal(8, backend.Cancelled.Count);
        Assert.All(run.Tasks.Where(t => t.Id != "root"), t => Assert.Equal(TaskInstanceState.Failed, t.State));
        Assert.InRange(backend.PeakRunning, 1, 3);
    }

    [Fact]
    public async Task TerminateAsync_RunningJob_CancelsItAndRunFails()
    {
        var dag = PipelineTestHost.Dag("""
            id: stoppable
            tasks:
              - { id: hang, kind: sql, sql: SELECT 1, outputs: [rows] }
              - { id: after, kind: sql, dependsOn: [hang], sql: SELECT 1, outputs: [rows] }
            """);
        var backend = new FakeSparkBackend { Outcome = (_, _) => SparkJobState.Running };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend);
        var started = await host.Runs.TriggerAsync("stoppable", new DagRunTrigger());
        var running = await Poll.UntilAsync(() => host.Runs.GetRunAsync(started.RunId), r => r?.Tasks.FirstOrDefault(t => t.Id == "hang")?.JobId is not null, TimeSpan.FromSeconds(30), "the job to be submitted");

        await host.Runs.TerminateAsync(started.RunId, "stop it", "key:ops");
        var run = await host.WaitAsync(started.RunId);

        Assert.Equal(DagRunState.Failed, run.State);
        Assert.Equal([running!.Tasks.Single(t => t.Id == "hang").JobId!], backend.Cancelled.ToArray());
        Assert.Equal(TaskInstanceState.Failed, run.Tasks.Single(t => t.Id == "hang").State);
        Assert.Equal(TaskInstanceState.Skipped, run.Tasks.Single(t => t.Id == "after").State);
        Assert.Contains("stop it", run.Error, StringComparison.Ordinal);
        await Assert.ThrowsAsync<DagRunConflictException>(() => host.Runs.TerminateAsync(started.RunId, null, "key:ops"));
    }

    [Fact]
    public async Task Run_Templates_BackendSeesRenderedSqlAndPaths()
    {
        var dag = PipelineTestHost.Dag("""
            id: templated
            schedule: "@daily"
            startDate: 2024-01-01
            params:
              n: { type: integer, default: 7 }
            tasks:
              - id: first
                kind: sql
                inputs:
                  - { name: src, path: "in/{{ ds_nodash }}/{{ params.n }}.parquet" }
                sql: SELECT * FROM src
                outputs: [rows]
              - id: second
                kind: sql
                inputs:
                  - { name: prev, from: first.rows }
                sql: "SELECT '{{ ds }}|{{ ds_nodash }}|{{ logical_date }}|{{ data_interval_start }}|{{ data_interval_end }}|{{ run_id }}|{{ dag_id }}|{{ params.n }}|{{ outputs.first.rows }}' AS v FROM prev"
                outputs: [rows]
            """);
        var backend = new FakeSparkBackend();
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend);

        var run = await host.RunAsync("templated", new DagRunTrigger(new JsonObject { ["n"] = 42 }, new DateTimeOffset(2024, 3, 5, 0, 0, 0, TimeSpan.Zero)));

        Assert.Equal(DagRunState.Success, run.State);
        var specs = backend.SpecsOf(run.RunId);
        var first = specs.Single(s => s.Name == "templated.first");
        Assert.Equal($"{host.DataContainer}/in/20240305/42.parquet", Assert.Single(first.Inputs).Location);
        var firstOutput = $"{host.DataContainer}/templated/{run.RunId}/first/rows/";
        Assert.Equal(firstOutput, Assert.Single(first.Outputs).Location);
        var second = specs.Single(s => s.Name == "templated.second");
        Assert.Equal(firstOutput, Assert.Single(second.Inputs).Location);
        Assert.Equal(
            $"SELECT '2024-03-05|20240305|2024-03-05T00:00:00+00:00|2024-03-05T00:00:00+00:00|2024-03-06T00:00:00+00:00|{run.RunId}|templated|42|{firstOutput}' AS v FROM prev",
            second.Sql);
    }

    [Fact]
    public async Task Run_MapOver200Items_OneInstancePerItemAndFanIn()
    {
        var dag = PipelineTestHost.Dag("""
            id: mapped
            params:
              items: { type: array, default: [] }
            tasks:
              - id: each
                kind: sql
                expand: { param: items, maxParallelism: 50 }
                sql: "SELECT {{ item }} * 2 AS doubled, {{ map_index }} AS i"
                outputs: [rows]
              - id: total
                kind: sql
                inputs: [{ name: all_rows, from: each.rows }]
                sql: SELECT SUM(doubled) FROM all_rows
                outputs: [rows]
            """);
        var backend = new FakeSparkBackend();
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend);
        var items = new JsonArray(Enumerable.Range(1000, 200).Select(i => (JsonNode)i).ToArray());

        var run = await host.RunAsync("mapped", new DagRunTrigger(new JsonObject { ["items"] = items }), TimeSpan.FromSeconds(120));

        Assert.Equal(DagRunState.Success, run.State);
        var each = run.Tasks.Where(t => t.Id == "each").ToList();
        Assert.Equal(Enumerable.Range(0, 200), each.Select(t => t.MapIndex!.Value).Order());
        Assert.All(each, t => Assert.Equal(TaskInstanceState.Success, t.State));
        var specs = backend.SpecsOf(run.RunId).Where(s => s.Name.StartsWith("mapped.each.", StringComparison.Ordinal)).ToList();
        Assert.Equal(200, specs.Count);
        Assert.Contains(specs, s => s.Sql == "SELECT 1199 * 2 AS doubled, 199 AS i" && s.Outputs[0].Location.EndsWith("/each/rows/map_index=199/", StringComparison.Ordinal));
        var total = backend.SpecsOf(run.RunId).Single(s => s.Name == "mapped.total");
        Assert.Equal($"{host.DataContainer}/mapped/{run.RunId}/each/rows/", Assert.Single(total.Inputs).Location);
    }

    [Fact]
    public async Task Run_BranchOnParam_FollowsChosenAndSkipsTheOther()
    {
        var dag = PipelineTestHost.Dag("""
            id: branching
            params:
              mode: { type: string, default: incremental }
            tasks:
              - id: choose
                kind: branch
                branch:
                  param: mode
                  cases: { full: [load-full], incremental: [load-increment] }
              - { id: load-full, kind: sql, dependsOn: [choose], sql: SELECT 1, outputs: [rows] }
              - { id: after-full, kind: sql, dependsOn: [load-full], sql: SELECT 1, outputs: [rows] }
              - { id: load-increment, kind: sql, dependsOn: [choose], sql: SELECT 2, outputs: [rows] }
              - { id: report, kind: sql, dependsOn: [load-full, load-increment], triggerRule: none_failed_min_one_success, sql: SELECT 3, outputs: [rows] }
            """);
        var backend = new FakeSparkBackend();
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend);

        var run = await host.RunAsync("branching", new DagRunTrigger(new JsonObject { ["mode"] = "full" }));

        var states = run.Tasks.ToDictionary(t => t.Id, t => t.State);
        Assert.Equal(TaskInstanceState.Success, states["load-full"]);
        Assert.Equal(TaskInstanceState.Success, states["after-full"]);
        Assert.Equal(TaskInstanceState.Skipped, states["load-increment"]);
        Assert.Equal(TaskInstanceState.Success, states["report"]);
        Assert.Equal(DagRunState.Success, run.State);
        Assert.DoesNotContain(backend.SpecsOf(run.RunId), s => s.Name == "branching.load-increment");
    }

    [Fact]
    public async Task RerunAsync_FailedTask_ReexecutesItAndDownstreamReusingTheRest()
    {
        var dag = PipelineTestHost.Dag("""
            id: rerunnable
            tasks:
              - { id: extract, kind: sql, sql: SELECT 1, outputs: [rows] }
              - { id: side, kind: sql, sql: SELECT 1, outputs: [rows] }
              - { id: transform, kind: sql, inputs: [{ name: e, from: extract.rows }], sql: SELECT * FROM e, outputs: [rows] }
              - { id: load, kind: sql, inputs: [{ name: t, from: transform.rows }], sql: SELECT * FROM t, outputs: [rows] }
            """);
        var failTransform = true;
        var backend = new FakeSparkBackend { Outcome = (spec, _) => failTransform && spec.Name == "rerunnable.transform" ? SparkJobState.Failed : SparkJobState.Succeeded };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend);
        var first = await host.RunAsync("rerunnable");
        Assert.Equal(DagRunState.Failed, first.State);
        Assert.Equal(TaskInstanceState.UpstreamFailed, first.Tasks.Single(t => t.Id == "load").State);
        failTransform = false;

        var rerun = await host.Runs.RerunAsync(first.RunId, new DagRerunRequest());
        var second = await host.WaitAsync(rerun.RunId);

        Assert.Equal(first.RunId + "-rerun-1", rerun.RunId);
        Assert.Equal(DagRunState.Success, second.State);
        Assert.Equal(first.RunId, second.RerunOf);
        Assert.Equal(["load.rerunnable", "transform.rerunnable"], backend.SpecsOf(second.RunId).Select(s => string.Join('.', s.Name.Split('.').Reverse())).Order(StringComparer.Ordinal));
        Assert.True(second.Tasks.Single(t => t.Id == "extract").Reused);
        Assert.True(second.Tasks.Single(t => t.Id == "side").Reused);
        var transform = backend.SpecsOf(second.RunId).Single(s => s.Name == "rerunnable.transform");
        Assert.Equal(first.Tasks.Single(t => t.Id == "extract").Outputs["rows"], Assert.Single(transform.Inputs).Location);
        Assert.Equal(3 + 2, backend.Submitted.Count); // first run: extract, side, transform; rerun: transform, load
    }
}
