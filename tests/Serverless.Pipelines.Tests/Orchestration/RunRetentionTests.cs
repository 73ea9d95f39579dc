using Azure.Storage.Blobs.Models;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Runs.Index;
using Serverless.Pipelines.Service;
using Serverless.Spark.Jobs;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>The daily retention purge takes a run's index rows, marks, audit trail and attempt logs with it.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunRetentionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task PurgeFinishedRuns_RunBeforeTheCutoff_IndexRowsMarksAuditAndLogsGoneLaterRunKept()
    {
        var backend = new FakeSparkBackend { Outcome = (_, key) => key.StartsWith("old:", StringComparison.Ordinal) ? SparkJobState.Failed : SparkJobState.Succeeded };
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag("""
            id: kept
            tasks:
              - { id: a, kind: sql, sql: SELECT 1, outputs: [rows] }
            """)], backend);
        var old = await host.RunAsync("kept", new DagRunTrigger(RunId: "old"));
        Assert.Equal(DagRunState.Failed, old.State);
        await host.Runs.MarkAsync(old.RunId, new DagRunMarkRequest(DagRunState.Success, "a", "key:ops"));
        var logs = RunDataLogPrefix(old.RunId);
        Assert.NotEmpty(await BlobsAsync(host, logs));
        var data = $"kept/{old.RunId}/a/rows/part-0.parquet";
        await host.Account.Blobs.GetBlobContainerClient(host.DataContainer).UploadBlobAsync(data, BinaryData.FromString("rows"));
        var cutoff = DateTimeOffset.UtcNow;
        await Poll.UntilAsync(() => Task.FromResult(DateTimeOffset.UtcNow > cutoff), TimeSpan.FromSeconds(5), "the clock to pass the cutoff");
        var recent = await host.RunAsync("kept", new DagRunTrigger(RunId: "recent"));

        var purged = await host.Runs.PurgeFinishedRunsAsync(cutoff);

        Assert.Equal(1, purged);
        Assert.Null(await host.Client.GetInstanceAsync(old.RunId));
        Assert.Null(await host.Runs.GetRunAsync(old.RunId));
        Assert.Equal([recent.RunId], (await host.Runs.ListRunsAsync(new DagRunQuery())).Runs.Select(r => r.RunId));
        Assert.Equal([recent.RunId], (await host.Runs.ListRunsAsync(new DagRunQuery(DagId: "kept"))).Runs.Select(r => r.RunId));
        var (marks, audit) = await new RunAnnotationStore(host.RunIndex).ReadAsync(old.RunId);
        Assert.Empty(marks);
        Assert.Empty(audit);
        Assert.Empty(await BlobsAsync(host, logs));
        Assert.Equal([data], await BlobsAsync(host, $"kept/{old.RunId}/a/"));
        Assert.Equal(DagRunState.Success, (await host.Runs.GetRunAsync(recent.RunId))!.State);
    }

    private static string RunDataLogPrefix(string runId) => $"kept/{runId}/_logs/";

    private static async Task<List<string>> BlobsAsync(PipelineTestHost host, string prefix)
    {
        var names = new List<string>();
        await foreach (var blob in host.Account.Blobs.GetBlobContainerClient(host.DataContainer).GetBlobsAsync(BlobTraits.None, BlobStates.None, prefix, default))
        {
            names.Add(blob.Name);
        }

        return names;
    }
}
