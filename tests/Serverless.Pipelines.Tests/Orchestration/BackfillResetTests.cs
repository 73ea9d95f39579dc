using System.Text.Json.Nodes;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>Backfill with params and reset: existing points re-run under the same ids, shown as backfill runs.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BackfillResetTests(AzuriteFixture azurite)
{
    private const string Yaml = """
        id: refill
        schedule: "@daily"
        startDate: 2024-01-01
        params:
          factor: { type: integer, default: 1 }
        tasks:
          - { id: work, kind: sql, sql: "SELECT '{{ ds }}' AS d, {{ params.factor }} AS f", outputs: [rows] }
        """;

    [Fact]
    public async Task BackfillAsync_ResetWithParams_ReRunsExistingPointsUnderTheSameIds()
    {
        var backend = new FakeSparkBackend();
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Yaml)], backend);
        var from = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero);
        string[] ids = ["refill__scheduled-20240101T000000Z", "refill__scheduled-20240102T000000Z"];
        var first = await host.Runs.BackfillAsync("refill", from, to, 2);
        await WaitAllAsync(host, ids);

        var kept = await host.Runs.BackfillAsync("refill", from, to, 2);
        var reset = await host.Runs.BackfillAsync("refill", from, to, 2, new DagBackfillOptions(new JsonObject { ["factor"] = 7 }, Reset: true, RequestedBy: "key:ops"));
        await Poll.UntilAsync(async () => backend.Submitted.Count == 4, TimeSpan.FromSeconds(60), "the reset runs to submit their jobs");
        var runs = await WaitAllAsync(host, ids);

        Assert.Equal(ids, first.Select(r => r.RunId));
        Assert.All(kept, r => Assert.False(r.Created));
        Assert.Equal(ids, reset.Select(r => r.RunId));
        Assert.All(reset, r => Assert.True(r.Created));
        Assert.Equal(
            ["SELECT '2024-01-01' AS d, 1 AS f", "SELECT '2024-01-01' AS d, 7 AS f", "SELECT '2024-01-02' AS d, 1 AS f", "SELECT '2024-01-02' AS d, 7 AS f"],
            backend.Submitted.Select(s => s.Spec.Sql!).Order(StringComparer.Ordinal));
        Assert.All(runs, r => Assert.Equal(DagRunTriggeredBy.Backfill, r.TriggeredBy));
        Assert.All(runs, r => Assert.Equal(7, r.Params!["factor"]!.GetValue<int>()));
        Assert.All(runs, r => Assert.Contains(r.Audit, e => e.Action == "reset" && e.By == "key:ops"));

        // The reset purged the old attempt logs: attempt 1's log is the new run's alone.
        foreach (var id in ids)
        {
            var log = (await host.Account.Blobs.GetBlobContainerClient(host.DataContainer).GetBlobClient($"refill/{id}/_logs/work/attempt-1.log").DownloadContentAsync()).Value.Content.ToString();
            Assert.Contains("7 AS f", log, StringComparison.Ordinal);
            Assert.DoesNotContain("1 AS f", log, StringComparison.Ordinal);
        }
        var listed = await host.Runs.ListRunsAsync(new DagRunQuery(DagId: "refill"));
        Assert.Equal(ids.Reverse(), listed.Runs.Select(r => r.RunId));
        await Assert.ThrowsAsync<DagRunRequestException>(() => host.Runs.BackfillAsync("refill", from, to, 2, new DagBackfillOptions(new JsonObject { ["factor"] = "seven" })));
    }

    private static async Task<List<DagRunInfo>> WaitAllAsync(PipelineTestHost host, IEnumerable<string> ids)
    {
        var runs = new List<DagRunInfo>();
        foreach (var id in ids)
        {
            await Poll.UntilAsync(async () => await host.Client.GetInstanceAsync(id) is { IsCompleted: true }, TimeSpan.FromSeconds(60), $"run {id} to finish");
            runs.Add((await host.Runs.GetRunAsync(id))!);
        }

        return runs;
    }
}
