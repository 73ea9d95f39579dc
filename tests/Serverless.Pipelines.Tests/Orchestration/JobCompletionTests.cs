using System.Diagnostics;
using System.Text.Json.Nodes;
using Serverless.Benchmarks.Dag;
using Serverless.Pipelines.Runs;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>How a run learns that a job ended: pushed by a backend that knows, polled with backoff otherwise; and the benchmark that measures both.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class JobCompletionTests(AzuriteFixture azurite)
{
    private const string Chain = """
        id: chain
        tasks:
          - { id: a, kind: sql, sql: SELECT 1, outputs: [rows] }
          - { id: b, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [a] }
          - { id: c, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [b] }
        """;

    [Fact]
    public async Task Run_PushingBackend_EachTaskMovesOnWithoutWaitingForAPoll()
    {
        // Polls 30 s apart: three jobs that end 300 ms after submit finish the run in seconds only if their ends are pushed.
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromMilliseconds(300), Push = true };
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Chain)], backend, o =>
        {
            o.ChainFastJobs = false;
            o.FirstPollInterval = TimeSpan.FromSeconds(30);
            o.MaxPollInterval = TimeSpan.FromSeconds(30);
        });
        var clock = Stopwatch.StartNew();

        var run = await host.RunAsync("chain", timeout: TimeSpan.FromSeconds(25));

        Assert.Equal(DagRunState.Success, run.State);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25), $"the run took {clock.Elapsed}");
        Assert.Equal(["chain.a", "chain.b", "chain.c"], backend.Submits.OrderBy(s => s.Value).Select(s => s.Key));
    }

    [Fact]
    public async Task Run_PollingBackend_PollsOnTheBackoffScheduleUntilTheJobEnds()
    {
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromMilliseconds(700), Push = false };
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Chain)], backend, o =>
        {
            o.ChainFastJobs = false;
            o.FirstPollInterval = TimeSpan.FromMilliseconds(200);
            o.PollBackoffFactor = 2;
        });

        var run = await host.RunAsync("chain");

        Assert.Equal(DagRunState.Success, run.State);

        // Each job is seen finished only at a poll after its end: 200 + 400 + 800 ms from submit, so never before 700 ms.
        var b = backend.Submits["chain.b"];
        var a = backend.Finishes["chain.a"];
        Assert.True(Stopwatch.GetElapsedTime(a, b) >= TimeSpan.Zero);
        Assert.True(Stopwatch.GetElapsedTime(backend.Submits["chain.a"], b) >= TimeSpan.FromMilliseconds(700));
    }

    [Fact]
    public async Task DagBenchmark_SmallShapes_PrintsEveryFieldOfIssue17()
    {
        string[] fields = ["scenario", "shape", "tasks", "median_hop_ms", "p99_hop_ms", "baseline_hop_ms", "median_ratio", "p99_ratio", "run_ms", "tasks_per_s", "baseline_fanout_per_s", "fanout_ratio", "storage_tx_per_task", "peak_rss_mb"];
        var lines = new List<JsonObject>();
        var options = DagBenchOptions.Parse(["chain", "wide", "runs", "--scale", "0.06", "--delay-ms", "200"]);
        await using (var benchmark = await DagBenchmark.StartAsync(azurite.ConnectionString, options, lines.Add, CancellationToken.None))
        {
            await benchmark.RunAsync(CancellationToken.None);
        }

        Assert.Equal(["chain-3/push", "chain-3/poll", "wide-12/push", "wide-12/poll", "runs-12x5/"], lines.Select(l => $"{l["shape"]}/{l["mode"]}"));
        var hopLines = lines.Take(4).ToList();
        Assert.All(hopLines, line => Assert.Equal(fields.Append("mode").Order(StringComparer.Ordinal), line.Select(p => p.Key).Order(StringComparer.Ordinal)));
        Assert.Equal(fields.Concat(["runs", "runs_completed", "max_active_seen"]).Order(StringComparer.Ordinal), lines[4].Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal([3, 3, 14, 14, 12 * 5], lines.Select(l => (int)l["tasks"]!));

        // The bench's 5-task DAG allows 10 active runs: all 12 complete, never more than 10 at once.
        Assert.Equal(12, (int)lines[4]["runs_completed"]!);
        Assert.InRange((int)lines[4]["max_active_seen"]!, 1, 10);

        Assert.All(lines, l => Assert.True((double)l["median_hop_ms"]! >= 0 && (double)l["p99_hop_ms"]! >= (double)l["median_hop_ms"]!, l.ToJsonString()));
        Assert.All(lines, l => Assert.Equal(1, (double)l["median_ratio"]! * (double)l["baseline_hop_ms"]! / (double)l["median_hop_ms"]!, 0.05));
        Assert.All(lines, l => Assert.Equal((int)l["tasks"]! / ((double)l["run_ms"]! / 1000), (double)l["tasks_per_s"]!, 0.2));
    }
}
