using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Pipelines.Runs;
using Serverless.Spark.Hosting;
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

    [Fact]
    public async Task Run_TaskNamesConnection_RunsThroughItAndWinsOverItsBackend()
    {
        var dag = PipelineTestHost.Dag("""
            id: on-connection
            tasks:
              - id: default
                kind: sql
                sql: SELECT 1 AS one
                outputs: [rows]
              - id: connected
                kind: sql
                connection: second-local
                backend: livy
                dependsOn: [default]
                sql: SELECT 2 AS two
                outputs: [rows]
            """);
        var backend = new FakeSparkBackend();
        var settings = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Serverless:Connections:second-local:Backend"] = "local" })
            .Build();
        var connections = new SparkConnections(settings.GetSection(SparkConnections.SectionName), o => o.Local.MaxConcurrentJobs = 1);
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, services: s => s.Replace(ServiceDescriptor.Singleton(connections)));

        var run = await host.RunAsync("on-connection");

        Assert.True(run.State == DagRunState.Success, string.Join("; ", run.Tasks.Select(t => $"{t.Id}: {t.Error}")));
        var row = Assert.Single(await host.ReadRowsAsync(run.Tasks.Single(t => t.Id == "connected").Outputs["rows"]));
        Assert.Equal(2, Convert.ToInt32(row["two"], System.Globalization.CultureInfo.InvariantCulture));

        // The connection's job ran on a local backend (the fake never saw it) and its handle kept the connection name.
        var manifest = await host.ReadManifestAsync("on-connection", run.RunId);
        var connected = manifest["tasks"]!.AsArray().Single(t => t!["taskId"]!.GetValue<string>() == "connected")!;
        Assert.Equal("second-local", connected["backend"]!.GetValue<string>());
        Assert.DoesNotContain(backend.Submitted, j => j.Spec.Name == "on-connection.connected");
    }
}
