using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.Benchmarks.Dag;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Spark.Activities;
using Serverless.Spark.Diagnostics;
using Serverless.Spark.Jobs;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>
/// The host's job watcher: a backend that cannot push is polled by the host, which tells the run by the push event,
/// so the run makes no durable poll; a watch lost with its watcher falls back to the run's durable poll; and a job
/// told this way (or pushed) has its final status in the attempt log once the run ended.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class JobWatchTests(AzuriteFixture azurite)
{
    private const string Chain = """
        id: watched
        tasks:
          - { id: a, kind: sql, sql: SELECT 1, outputs: [rows] }
          - { id: b, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [a] }
          - { id: c, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [b] }
        """;

    private const string One = """
        id: alone
        tasks:
          - { id: a, kind: sql, sql: SELECT 1, outputs: [rows] }
        """;

    [Fact]
    public async Task Run_PollingBackendWithWatcher_LearnsEachEndWithoutADurablePoll()
    {
        // Durable polls 30 s apart: three 1 s jobs end the run in seconds only if the host's watcher tells each end.
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromSeconds(1), Push = false };
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Chain)], backend, o =>
        {
            o.ChainFastJobs = false;
            o.FirstPollInterval = TimeSpan.FromSeconds(30);
            o.MaxPollInterval = TimeSpan.FromSeconds(30);
        });
        var schedule = host.Service<IOptions<PipelineOptions>>().Value.JobWatch;
        using var polls = new WatchPollCounter(backend.Name);

        var run = await host.RunAsync("watched", timeout: TimeSpan.FromSeconds(25));

        Assert.Equal(DagRunState.Success, run.State);

        // At most the polls the schedule fits into a 1 s job (a busy machine makes fewer), plus the one that saw the end.
        var most = 1;
        for (double at = 0, interval = schedule.FirstPollInterval.TotalMilliseconds; at < 1000; at += interval, interval = Math.Min(interval * schedule.PollBackoffFactor, schedule.MaxPollInterval.TotalMilliseconds))
        {
            most++;
        }

        Assert.InRange(polls.Count, 3, 3 * most);
        Assert.Equal(0, await CountScheduledAsync(host, run.RunId, nameof(GetSparkJobStatus)));
        Assert.Equal(3, await CountScheduledAsync(host, run.RunId, nameof(StartTaskJob)));

        // Each downstream job went after its upstream's end as the backend's own clock saw it, and long before a durable poll.
        foreach (var (up, down) in new[] { ("watched.a", "watched.b"), ("watched.b", "watched.c") })
        {
            var hop = Stopwatch.GetElapsedTime(backend.Finishes[up], backend.Submits[down]);
            Assert.InRange(hop, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        }

        await AssertFinalStatusLoggedAsync(host, "watched", run.RunId, ["a", "b", "c"]);
    }

    [Fact]
    public async Task Run_WatcherStoppedWhileItsJobRuns_JobEndsThroughTheDurablePoll()
    {
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromSeconds(3), Push = false };
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(One)], backend, o =>
        {
            o.ChainFastJobs = false;
            o.FirstPollInterval = TimeSpan.FromSeconds(30);
            o.MaxPollInterval = TimeSpan.FromSeconds(2);
        });
        var watcher = host.Service<SparkJobWatcher>();
        var started = await host.Runs.TriggerAsync("alone", new DagRunTrigger());

        // The job is watched once the submit activity handed it over; then the watcher goes, as in a host restart.
        await Poll.UntilAsync(() => Task.FromResult(watcher.Count == 1), TimeSpan.FromSeconds(20), "the job to be watched");
        Assert.False(backend.Finishes.ContainsKey("alone.a"), "the job ended before the watcher was stopped; the test proves nothing");
        watcher.Dispose();
        var run = await host.WaitAsync(started.RunId, TimeSpan.FromSeconds(45));

        Assert.Equal(DagRunState.Success, run.State);
        Assert.InRange(await CountScheduledAsync(host, run.RunId, nameof(GetSparkJobStatus)), 1, 10);
        Assert.False(watcher.Watch(new SparkJobHandle("delayed", "k", "k"), _ => Task.CompletedTask));
    }

    [Fact]
    public async Task Run_PushingBackend_FinalStatusIsInEachAttemptLogOnceTheRunEnded()
    {
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromMilliseconds(300), Push = true };
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(Chain)], backend, o =>
        {
            o.ChainFastJobs = false;
            o.FirstPollInterval = TimeSpan.FromSeconds(30);
            o.MaxPollInterval = TimeSpan.FromSeconds(30);
        });

        var run = await host.RunAsync("watched", timeout: TimeSpan.FromSeconds(25));

        Assert.Equal(DagRunState.Success, run.State);
        Assert.Equal(0, await CountScheduledAsync(host, run.RunId, nameof(GetSparkJobStatus)));
        await AssertFinalStatusLoggedAsync(host, "watched", run.RunId, ["a", "b", "c"]);
    }

    private static async Task<int> CountScheduledAsync(PipelineTestHost host, string instanceId, string name)
    {
        var history = host.Account.Tables.GetTableClient(host.TaskHub + "History");
        var count = 0;
        await foreach (var row in history.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and EventType eq {"TaskScheduled"}")))
        {
            if (row.GetString("Name") == name)
            {
                count++;
            }
        }

        return count;
    }

    private static async Task AssertFinalStatusLoggedAsync(PipelineTestHost host, string dagId, string runId, string[] tasks)
    {
        var logs = new TaskAttemptLog(host.Account, NullLogger<TaskAttemptLog>.Instance);
        foreach (var task in tasks)
        {
            var chunk = await logs.ReadAsync(new TaskAttemptLogTarget(host.DataContainer, dagId, runId, task, null, 1), 0, 1 << 20);
            Assert.NotNull(chunk);
            var text = Encoding.UTF8.GetString(chunk.Bytes.Span);
            var submitted = text.IndexOf("submitted to backend delayed", StringComparison.Ordinal);
            var finished = text.IndexOf("finished Succeeded", StringComparison.Ordinal);
            Assert.True(submitted >= 0 && finished > submitted, $"{task}'s log has no final status after its submit:\n{text}");
        }
    }

    /// <summary>Counts the job watcher's status reads of one backend, from the Spark meter.</summary>
    private sealed class WatchPollCounter : IDisposable
    {
        private readonly MeterListener listener = new();
        private long count;

        public WatchPollCounter(string backend)
        {
            this.listener.InstrumentPublished = (instrument, l) =>
            {
                // By name: the meter's instruments may be published while SparkTelemetry is still initializing.
                if (instrument.Meter.Name == SparkTelemetry.Name && instrument.Name == "spark.watch_polls")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            this.listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "backend" && Equals(tag.Value, backend))
                    {
                        Interlocked.Add(ref this.count, value);
                    }
                }
            });
            this.listener.Start();
        }

        public long Count => Interlocked.Read(ref this.count);

        public void Dispose() => this.listener.Dispose();
    }
}
