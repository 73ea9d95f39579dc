using Serverless.Pipelines.Runs;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>A task's <c>backend</c> field picks where its job runs; other tasks stay on the default backend.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class TaskBackendTests(AzuriteFixture azurite)
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Run_TaskNamesLocalBackend_RunsThereWhileTheOthersUseTheDefault(bool chainFastJobs)
    {
        var dag = PipelineTestHost.Dag("""
            id: two-backends
            tasks:
              - id: on-default
                kind: sql
                sql: SELECT 1 AS one
                outputs: [rows]
              - id: on-local
                kind: sql
                backend: local
                dependsOn: [on-default]
                sql: SELECT 2 AS two
                outputs: [rows]
            """);
        var backend = new FakeSparkBackend();
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, o => o.ChainFastJobs = chainFastJobs);

        var run = await host.RunAsync("two-backends");

        Assert.Equal(DagRunState.Success, run.State);
        var submitted = Assert.Single(backend.Submitted);
        Assert.StartsWith(run.RunId + ":on-default:", submitted.Key, StringComparison.Ordinal);
        var manifest = await host.ReadManifestAsync("two-backends", run.RunId);
        var local = manifest["tasks"]!.AsArray().Single(t => t!["taskId"]!.GetValue<string>() == "on-local")!;
        Assert.Equal("local", local["backend"]!.GetValue<string>());
    }
}
