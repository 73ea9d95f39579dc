using System.Text.Json;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>Blob and external-event sensors: success when the condition arrives, failure or skip on timeout.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class SensorRunTests(AzuriteFixture azurite)
{
    private static readonly string Yaml = """
        id: sensing
        tasks:
          - id: landing
            kind: sensor
            sensor: { type: blob_exists, path: "landing/{{ ds }}/_SUCCESS", pokeInterval: 1s, timeout: 30s }
          - id: approval
            kind: sensor
            sensor: { type: external_event, eventName: approved, timeout: 30s }
          - { id: process, kind: sql, dependsOn: [landing, approval], sql: SELECT 1, outputs: [rows] }
        """;

    [Fact]
    public async Task Run_BlobAppearsAndEventRaised_SensorsSucceedAndDownstreamRuns()
    {
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml)], new FakeSparkBackend());
        var logicalDate = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        var started = await host.Runs.TriggerAsync("sensing", new DagRunTrigger(LogicalDate: logicalDate));
        await Poll.UntilAsync(() => host.Runs.GetRunAsync(started.RunId), r => r?.Tasks.Count(t => t.State == TaskInstanceState.Running) == 2, TimeSpan.FromSeconds(30), "both sensors waiting");

        await host.Account.Blobs.GetBlobContainerClient(host.DataContainer).UploadBlobAsync("landing/2024-02-01/_SUCCESS", BinaryData.FromString(string.Empty));
        await host.Runs.RaiseEventAsync(started.RunId, "approved", JsonSerializer.SerializeToElement(new { by = "test" }));
        var run = await host.WaitAsync(started.RunId);

        Assert.Equal(DagRunState.Success, run.State);
        Assert.All(run.Tasks, t => Assert.Equal(TaskInstanceState.Success, t.State));
    }

    [Fact]
    public async Task Run_NothingArrives_SensorsTimeOutFailedOrSkipped()
    {
        var dag = PipelineTestHost.Dag("""
            id: waiting
            tasks:
              - id: hard
                kind: sensor
                sensor: { type: blob_exists, path: "never/here", pokeInterval: 1s, timeout: 2s }
              - id: soft
                kind: sensor
                sensor: { type: blob_exists, path: "never/here", pokeInterval: 1s, timeout: 2s, softFail: true }
              - id: event
                kind: sensor
                sensor: { type: external_event, eventName: never, timeout: 2s }
            """);
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], new FakeSparkBackend());

        var run = await host.RunAsync("waiting");

        var states = run.Tasks.ToDictionary(t => t.Id, t => t.State);
        Assert.Equal(TaskInstanceState.Failed, states["hard"]);
        Assert.Equal(TaskInstanceState.Skipped, states["soft"]);
        Assert.Equal(TaskInstanceState.Failed, states["event"]);
        Assert.Contains("timed out", run.Tasks.Single(t => t.Id == "event").Error, StringComparison.Ordinal);
        Assert.Equal(DagRunState.Failed, run.State);
    }
}
