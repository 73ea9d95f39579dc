using System.Text.Json.Nodes;
using Serverless.Benchmarks.Dag;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>A run's custom status carries counts only; GET run reads a running run's task records from the run's task store.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunTaskRecordTests(AzuriteFixture azurite)
{
    private const int Width = 12;

    [Fact]
    public async Task WideRun_WhileJobsRun_StatusHoldsNoTaskAndGetRunShowsEveryTaskWithItsJob()
    {
        var yaml = new System.Text.StringBuilder("id: widerec\nmaxActiveTasks: 20\ntasks:\n  - { id: root, kind: sql, sql: SELECT 1, outputs: [rows] }\n");
        for (var i = 0; i < Width; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"  - {{ id: w{i:D2}, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [root] }}\n");
        }

        yaml.Append("  - { id: join, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [")
            .AppendJoin(", ", Enumerable.Range(0, Width).Select(i => $"w{i:D2}"))
            .Append("] }\n");
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromSeconds(4) };
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(yaml.ToString())], backend, o => o.ChainFastJobs = false);

        var started = await host.Runs.TriggerAsync("widerec", new DagRunTrigger());

        // Every wide task running, each with its own job: polled, as the run writes its records when it can.
        DagRunInfo? running = null;
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < until)
        {
            running = await host.Runs.GetRunAsync(started.RunId);
            if (running?.Tasks.Count(t => t.Id.StartsWith('w') && t.State == TaskInstanceState.Running && t.JobId is not null) == Width)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.NotNull(running);
        Assert.Equal(DagRunState.Running, running.State);
        var jobs = backend.ByKey.Keys.Where(k => k.StartsWith(started.RunId + ":", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        var wide = running.Tasks.Where(t => t.Id.StartsWith('w')).ToList();
        Assert.Equal(Enumerable.Range(0, Width).Select(i => $"w{i:D2}"), wide.Select(t => t.Id));
        Assert.All(wide, t =>
        {
            Assert.Equal(TaskInstanceState.Running, t.State);
            Assert.Equal(1, t.Attempts);
            Assert.NotNull(t.StartedAt);
            Assert.Contains(t.JobId!, jobs);
        });
        var root = running.Tasks.Single(t => t.Id == "root");
        Assert.Equal(TaskInstanceState.Success, root.State);
        Assert.Contains(root.JobId!, jobs);
        Assert.NotNull(root.EndedAt);
        Assert.True(root.Outputs.ContainsKey("rows"));

        // The status names no task: its size does not grow with the DAG.
        var metadata = await host.Client.GetInstanceAsync(started.RunId, true);
        var status = metadata!.SerializedCustomStatus!;
        Assert.DoesNotContain("w00", status, StringComparison.Ordinal);
        Assert.InRange(status.Length, 1, 1_000);
        var counts = JsonNode.Parse(status)!.AsObject().First(p => string.Equals(p.Key, "taskCounts", StringComparison.OrdinalIgnoreCase)).Value!.AsObject();
        Assert.Equal(Width, counts["running"]!.GetValue<int>());

        var finished = await host.WaitAsync(started.RunId, TimeSpan.FromSeconds(90));
        Assert.Equal(DagRunState.Success, finished.State);
        Assert.Equal(Width + 2, finished.Tasks.Count);
        Assert.All(finished.Tasks, t => Assert.Equal(TaskInstanceState.Success, t.State));
        var allJobs = backend.ByKey.Keys.Where(k => k.StartsWith(started.RunId + ":", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
        Assert.All(finished.Tasks, t => Assert.Contains(t.JobId!, allJobs));
        Assert.Equal(Width + 2, finished.Tasks.Select(t => t.JobId).Distinct(StringComparer.Ordinal).Count());

        // The store ends with every record final too (the last manifest write carries what changed last).
        var stored = (await new Serverless.Pipelines.Runs.Tasks.RunTaskStore(host.RunIndex).ReadAsync(started.RunId)).Select(j => JsonNode.Parse(j)!["state"]!.GetValue<string>()).ToList();
        Assert.Equal(Width + 2, stored.Count);
        Assert.All(stored, state => Assert.Equal("Success", state));
    }

    [Fact]
    public void AreStored_StatusOfARunStartedBeforeTheTaskStore_ReadsTheStatusItself()
    {
        // The custom status such a run wrote: every record, and no members this change added (taken out of today's JSON).
        var converter = Microsoft.DurableTask.Converters.JsonDataConverter.Default;
        var written = JsonNode.Parse(converter.Serialize((object)new DagRunResult { DagId = "old", RunId = "old__manual-1", State = DagRunState.Running, Tasks = [new TaskInstanceRecord { TaskId = "a", JobId = "job-a" }] })!)!.AsObject();
        var added = written.Select(p => p.Key).Where(k => k.StartsWith("Task", StringComparison.OrdinalIgnoreCase) && !k.Equals("Tasks", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Equal(2, added.Count);
        added.ForEach(k => written.Remove(k));
        var old = converter.Deserialize<DagRunResult>(written.ToJsonString());
        var current = converter.Deserialize<DagRunResult>(converter.Serialize(new DagRunResult { DagId = "new", RunId = "new__manual-1", TasksStored = true }));
        var output = new DagRunResult { DagId = "new", RunId = "new__manual-1", TasksStored = true, Tasks = [new TaskInstanceRecord { TaskId = "a" }] };

        Assert.Equal("job-a", Assert.Single(old!.Tasks).JobId);
        Assert.False(DagRunTaskReader.AreStored(old, null));
        Assert.True(DagRunTaskReader.AreStored(current, null));
        Assert.False(DagRunTaskReader.AreStored(current, output));
        Assert.False(DagRunTaskReader.AreStored(output, null)); // a settled run's status holds every record
    }

    [Fact]
    public async Task MapOverMoreInstancesThanTheOutputCarries_GetRunAndManifestListEveryInstanceFromTheStore()
    {
        const int Items = 1_010;
        var dag = PipelineTestHost.Dag("""
            id: bigmap
            maxActiveTasks: 100
            params:
              items: { type: array, default: [] }
            tasks:
              - { id: root, kind: sql, sql: SELECT 1, outputs: [rows] }
              - id: each
                kind: sql
                dependsOn: [root]
                expand: { param: items, maxParallelism: 100 }
                sql: "SELECT {{ item }} AS n"
                outputs: [rows]
            """);
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], new FakeSparkBackend(), o => o.MapChunkSize = 400);
        var items = new JsonArray(Enumerable.Range(0, Items).Select(i => (JsonNode)i).ToArray());

        var run = await host.RunAsync("bigmap", new DagRunTrigger(new JsonObject { ["items"] = items }), TimeSpan.FromSeconds(300));

        Assert.Equal(DagRunState.Success, run.State);
        var each = run.Tasks.Where(t => t.Id == "each").ToList();
        Assert.Equal(Enumerable.Range(0, Items), each.Select(t => t.MapIndex!.Value));
        Assert.All(each, t => Assert.Equal(TaskInstanceState.Success, t.State));
        Assert.All(each, t => Assert.NotNull(t.JobId));

        // The output does not carry 1,011 records; the manifest, assembled from the store, lists them all.
        var metadata = await host.Client.GetInstanceAsync(run.RunId, true);
        Assert.DoesNotContain("\"mapIndex\"", metadata!.SerializedOutput!, StringComparison.OrdinalIgnoreCase);
        var manifest = await host.ReadManifestAsync("bigmap", run.RunId);
        var entries = manifest["tasks"]!.AsArray();
        Assert.Equal(Items + 1, entries.Count);
        Assert.Equal(Enumerable.Range(0, Items), entries.Where(e => (string?)e!["taskId"] == "each").Select(e => (int)e!["mapIndex"]!).Order());
        Assert.All(entries, e => Assert.Equal("success", (string?)e!["state"]));
    }
}
