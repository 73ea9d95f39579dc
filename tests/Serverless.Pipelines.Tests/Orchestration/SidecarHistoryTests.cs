using System.Text.Json.Nodes;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>The local sidecar lets go of the histories it streams to the worker (LocalSidecarServer).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SidecarHistoryTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task RunWithAHistoryOverOneMebibyte_IsStreamed_AndNoStreamedHistoryIsHeldAfterItEnds()
    {
        var dag = PipelineTestHost.Dag("""
            id: bighistory
            params:
              padding: { type: string, default: "" }
            tasks:
              - { id: a, kind: sql, sql: SELECT 1, outputs: [rows] }
              - { id: b, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [a] }
            """);
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], new FakeSparkBackend());

        // The run's input alone is over the sidecar's 1 MiB streaming threshold, so every episode after the first streams.
        var padding = new string('x', 1_200_000);
        var run = await host.RunAsync("bighistory", new DagRunTrigger(new JsonObject { ["padding"] = padding }), TimeSpan.FromSeconds(120));

        Assert.Equal(DagRunState.Success, run.State);
        Assert.True(host.Durable.StreamedHistories > 0, "no history was streamed: the test did not exercise the path");
        Assert.Equal(0, host.Durable.HeldHistories);
    }
}
