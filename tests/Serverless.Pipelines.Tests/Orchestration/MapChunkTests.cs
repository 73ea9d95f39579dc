using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>Mapped tasks over more items than <see cref="PipelineOptions.MapChunkSize"/> run in sub-orchestrations, one per chunk.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class MapChunkTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Run_MapOver25ItemsInChunksOf10_EveryInstanceRunsOnceInThreeSubOrchestrations()
    {
        var dag = PipelineTestHost.Dag("""
            id: chunked
            params:
              items: { type: array, default: [] }
            tasks:
              - { id: root, kind: sql, sql: SELECT 1, outputs: [rows] }
              - id: each
                kind: sql
                dependsOn: [root]
                expand: { param: items, maxParallelism: 8 }
                sql: "SELECT {{ item }} * 3 AS tripled"
                outputs: [rows]
              - { id: total, kind: sql, inputs: [{ name: all_rows, from: each.rows }], sql: SELECT 1, outputs: [rows] }
            """);
        var backend = new FakeSparkBackend();
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, o => o.MapChunkSize = 10);
        var items = new JsonArray(Enumerable.Range(500, 25).Select(i => (JsonNode)i).ToArray());

        var run = await host.RunAsync("chunked", new DagRunTrigger(new JsonObject { ["items"] = items }), TimeSpan.FromSeconds(120));

        Assert.Equal(DagRunState.Success, run.State);
        var each = run.Tasks.Where(t => t.Id == "each").ToList();
        Assert.Equal(Enumerable.Range(0, 25), each.Select(t => t.MapIndex!.Value).Order());
        Assert.All(each, t => Assert.Equal(TaskInstanceState.Success, t.State));
        var sql = backend.SpecsOf(run.RunId).Where(s => s.Name.StartsWith("chunked.each.", StringComparison.Ordinal)).Select(s => s.Sql).Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(500, 25).Select(i => $"SELECT {i} * 3 AS tripled").Order(StringComparer.Ordinal), sql);
        Assert.Equal(TaskInstanceState.Success, run.Tasks.Single(t => t.Id == "total").State);
        for (var chunk = 0; chunk < 3; chunk++)
        {
            var instance = await host.Client.GetInstanceAsync($"{run.RunId}--map-each-{chunk}");
            Assert.Equal(OrchestrationRuntimeStatus.Completed, instance?.RuntimeStatus);
        }

        Assert.Null(await host.Client.GetInstanceAsync($"{run.RunId}--map-each-3"));
    }
}
