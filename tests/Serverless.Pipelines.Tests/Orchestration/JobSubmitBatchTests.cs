using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;
using Serverless.Benchmarks.Dag;
using Serverless.Pipelines.Diagnostics;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Spark.Backends;
using Serverless.Spark.Jobs;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>
/// The job submits a run's step makes ready go in one <see cref="StartTaskJobs"/> activity (per 100 jobs), not one
/// <see cref="StartTaskJob"/> each; counted from the work-item age each submit activity records as a worker picks it up.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class JobSubmitBatchTests(AzuriteFixture azurite)
{
    // Past one batch's 100 jobs, so the step's submits take two activities.
    private const int Width = 105;

    [Fact]
    public async Task WideRun_RootEnds_LeavesSubmittedByOneActivityPerHundredJobsWithinASmallSpread()
    {
        using var activities = new SubmitActivityCounter();
        var dag = Wide("batchwide", Width);
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromMilliseconds(300) };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, o => o.ChainFastJobs = false);

        var run = await host.RunAsync("batchwide", timeout: TimeSpan.FromSeconds(120));

        Assert.Equal(DagRunState.Success, run.State);
        Assert.Equal(Width + 2, run.Tasks.Count);
        Assert.All(run.Tasks, t => Assert.Equal(TaskInstanceState.Success, t.State));

        // root and join alone, each a plain submit; the leaves, ready together when root ended, in batches of 100.
        Assert.Equal(2, activities.Count(nameof(StartTaskJob), "batchwide"));
        Assert.Equal((Width + 99) / 100, activities.Count(nameof(StartTaskJobs), "batchwide"));

        // Every leaf's job went to the backend once, all within a moment of each other.
        var leaves = backend.ByKey.Where(j => j.Key.StartsWith(run.RunId + ":w", StringComparison.Ordinal)).Select(j => j.Value.Submitted).ToList();
        Assert.Equal(Width, leaves.Count);
        var spread = Stopwatch.GetElapsedTime(leaves.Min(), leaves.Max());
        Assert.True(spread < TimeSpan.FromSeconds(1), $"the leaves' submits spread over {spread.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task WideRun_OneLeafsSubmitRefused_OnlyThatLeafFailsWithTheErrorAfterItsRetryOthersSucceed()
    {
        using var activities = new SubmitActivityCounter();
        var dag = Wide("batchrefuse", 6, refused: "w003");
        var backend = new RefusingBackend(new DelayedSparkBackend { Delay = TimeSpan.FromMilliseconds(200) }, ".w003");
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, o => o.ChainFastJobs = false);

        var run = await host.RunAsync("batchrefuse", timeout: TimeSpan.FromSeconds(120));

        // A failed leaf fails the run; its siblings are untouched by its failure and the join never runs.
        Assert.Equal(DagRunState.Failed, run.State);
        var refused = run.Tasks.Single(t => t.Id == "w003");
        Assert.Equal(TaskInstanceState.Failed, refused.State);
        Assert.Equal(2, refused.Attempts);
        Assert.Contains(RefusingBackend.Message, refused.Error, StringComparison.Ordinal);
        var others = run.Tasks.Where(t => t.Id.StartsWith('w') && t.Id != "w003").ToList();
        Assert.Equal(5, others.Count);
        Assert.All(others, t =>
        {
            Assert.Equal(TaskInstanceState.Success, t.State);
            Assert.Equal(1, t.Attempts);
            Assert.NotNull(t.JobId);
        });
        Assert.Equal(TaskInstanceState.UpstreamFailed, run.Tasks.Single(t => t.Id == "join").State);

        // Both of the refused leaf's attempts reached the backend: the first in the batch, the retry on its own.
        Assert.Equal(2, backend.Refusals);
        Assert.Equal(1, activities.Count(nameof(StartTaskJobs), "batchrefuse"));
        Assert.Equal(2, activities.Count(nameof(StartTaskJob), "batchrefuse"));
    }

    [Fact]
    public async Task WideRunWithChildren_LeavesFinishAtSubmit_BatchSubmitsEachLeafsChildChainedNoActivityOfItsOwn()
    {
        using var activities = new SubmitActivityCounter();
        var yaml = new StringBuilder("id: batchchain\nmaxActiveTasks: 20\ntasks:\n  - { id: root, kind: sql, sql: SELECT 1, outputs: [rows] }\n");
        for (var i = 0; i < 4; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ id: w{i}, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [root] }}\n");
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ id: c{i}, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [w{i}] }}\n");
        }

        // root still runs after its submit (so the leaves are not chained to it); every other job is done at its submit.
        var backend = new RootDelayedBackend(new DelayedSparkBackend { Delay = TimeSpan.FromMilliseconds(300) }, new FakeSparkBackend());
        await using var host = await PipelineTestHost.StartAsync(azurite, [PipelineTestHost.Dag(yaml.ToString())], backend, o => o.ChainFastJobs = true);

        var run = await host.RunAsync("batchchain", timeout: TimeSpan.FromSeconds(120));

        Assert.Equal(DagRunState.Success, run.State);
        Assert.All(run.Tasks, t => Assert.Equal(TaskInstanceState.Success, t.State));
        Assert.Equal(Enumerable.Range(0, 4).Select(i => $"c{i}"), run.Tasks.Where(t => t.Chained).Select(t => t.Id).Order(StringComparer.Ordinal));
        Assert.All(run.Tasks.Where(t => t.Id.StartsWith('w')), t => Assert.False(t.Chained));

        // Each job once: root by its own activity, the four leaves and their four children by one batch.
        Assert.Equal(9, run.Tasks.Select(t => t.JobId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1, activities.Count(nameof(StartTaskJob), "batchchain"));
        Assert.Equal(1, activities.Count(nameof(StartTaskJobs), "batchchain"));
    }

    [Fact]
    public async Task WideRun_InputOfARunStartedBeforeBatches_SubmitsEachJobWithItsOwnActivity()
    {
        using var activities = new SubmitActivityCounter();
        var dag = Wide("batchold", 6);
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromMilliseconds(200) };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, o => o.ChainFastJobs = false);

        // The input a run started before batches has: every field as today's starter writes it, the flag false.
        var runId = "batchold__" + AzuriteFixture.UniqueName("old");
        var at = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var input = new DagRunInput
        {
            DagId = dag.Id,
            DagJson = DagJsonExporter.Export(dag),
            RunId = runId,
            LogicalDate = at,
            DataIntervalStart = at,
            DataIntervalEnd = at,
            DataContainer = host.DataContainer,
            ChainFastJobs = false,
            StoresTaskRecords = true,
            BatchesJobSubmits = false,
        };
        await host.Client.ScheduleNewOrchestrationInstanceAsync(nameof(DagRunOrchestrator), input, new Microsoft.DurableTask.StartOrchestrationOptions(runId));
        var run = await host.WaitAsync(runId, TimeSpan.FromSeconds(120));

        Assert.Equal(DagRunState.Success, run.State);
        Assert.Equal(8, run.Tasks.Count(t => t.State == TaskInstanceState.Success));
        Assert.Equal(8, activities.Count(nameof(StartTaskJob), "batchold"));
        Assert.Equal(0, activities.Count(nameof(StartTaskJobs), "batchold"));
    }

    [Theory]
    [InlineData(0, 3)]
    [InlineData(6, 4)]
    public async Task MappedTask_JobsFinishAtSubmit_EachRoundOfFreedSlotsIsOneBatch(int chunkSize, int batches)
    {
        // 12 items, 4 at once, every job done at its submit: 3 rounds of 4 inline; in chunks of 6 (one chunk at a
        // time, 4 at once in it), rounds of 4 and 2 in each of the two chunks.
        using var activities = new SubmitActivityCounter();
        var dagId = "batchmap" + chunkSize.ToString(CultureInfo.InvariantCulture);
        var dag = PipelineTestHost.Dag($$"""
            id: {{dagId}}
            params:
              items: { type: array, default: [] }
            tasks:
              - { id: root, kind: sql, sql: SELECT 1, outputs: [rows] }
              - { id: each, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [root], expand: { param: items, maxParallelism: 4 } }
            """);
        var backend = new FakeSparkBackend();
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, o =>
        {
            o.ChainFastJobs = false;
            o.MapChunkSize = chunkSize;
        });
        var items = new System.Text.Json.Nodes.JsonArray([.. Enumerable.Range(0, 12).Select(i => (System.Text.Json.Nodes.JsonNode)i)]);

        var run = await host.RunAsync(dagId, new DagRunTrigger(new System.Text.Json.Nodes.JsonObject { ["items"] = items }), TimeSpan.FromSeconds(120));

        Assert.Equal(DagRunState.Success, run.State);
        Assert.Equal(12, run.Tasks.Count(t => t.Id == "each" && t.State == TaskInstanceState.Success));
        Assert.Equal(13, run.Tasks.Select(t => t.JobId).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1, activities.Count(nameof(StartTaskJob), dagId));
        Assert.Equal(batches, activities.Count(nameof(StartTaskJobs), dagId));
    }

    private static Serverless.Pipelines.Definitions.DagDefinition Wide(string id, int width, string? refused = null)
    {
        var yaml = new StringBuilder().Append(CultureInfo.InvariantCulture, $"id: {id}\nmaxActiveTasks: {width + 1}\ntasks:\n  - {{ id: root, kind: sql, sql: SELECT 1, outputs: [rows] }}\n");
        for (var i = 0; i < width; i++)
        {
            var leaf = string.Create(CultureInfo.InvariantCulture, $"w{i:D3}");
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ id: {leaf}, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [root]{(leaf == refused ? ", retries: 1, retryDelay: 1s" : string.Empty)} }}\n");
        }

        yaml.Append("  - { id: join, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [")
            .AppendJoin(", ", Enumerable.Range(0, width).Select(i => string.Create(CultureInfo.InvariantCulture, $"w{i:D3}")))
            .Append("] }\n");
        return PipelineTestHost.Dag(yaml.ToString());
    }

    /// <summary>Counts the submit activities workers picked up, by activity and DAG (each records its work-item age once, at pickup).</summary>
    private sealed class SubmitActivityCounter : IDisposable
    {
        private readonly MeterListener listener = new();
        private readonly ConcurrentQueue<(string? Activity, string? Dag)> seen = new();

        public SubmitActivityCounter()
        {
            this.listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == PipelineTelemetry.Name && instrument.Name == "pipelines.work_item_age")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            };
            this.listener.SetMeasurementEventCallback<double>((_, _, tags, _) =>
            {
                string? activity = null, dag = null;
                foreach (var tag in tags)
                {
                    activity = tag.Key == "activity" ? tag.Value as string : activity;
                    dag = tag.Key == "dag" ? tag.Value as string : dag;
                }

                this.seen.Enqueue((activity, dag));
            });
            this.listener.Start();
        }

        public int Count(string activity, string dag) => this.seen.Count(s => s.Activity == activity && s.Dag == dag);

        public void Dispose() => this.listener.Dispose();
    }

    /// <summary>A backend whose job of task root ends after a delay (pushed) and whose every other job is finished at its submit.</summary>
    private sealed class RootDelayedBackend(DelayedSparkBackend root, FakeSparkBackend others) : ISparkBackend, ISparkJobCompletionSource
    {
        public string Name => root.Name;

        public IReadOnlyCollection<SparkJobKind> SupportedKinds => root.SupportedKinds;

        // Every handle names this backend, so the client brings each status read back here.
        public async Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default) =>
            IsRoot(idempotencyKey) ? await root.StartJobAsync(spec, idempotencyKey, cancellationToken) : (await others.StartJobAsync(spec, idempotencyKey, cancellationToken)) with { Backend = this.Name };

        public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) =>
            IsRoot(handle.IdempotencyKey) ? root.GetStatusAsync(handle, cancellationToken) : others.GetStatusAsync(handle, cancellationToken);

        public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) =>
            IsRoot(handle.IdempotencyKey) ? root.CancelJobAsync(handle, cancellationToken) : others.CancelJobAsync(handle, cancellationToken);

        public bool WatchCompletion(SparkJobHandle handle, Func<SparkJobStatus, Task> ended) => IsRoot(handle.IdempotencyKey) && root.WatchCompletion(handle, ended);

        private static bool IsRoot(string key) => key.Contains(":root:", StringComparison.Ordinal);
    }

    /// <summary>A backend that refuses every submit of the job whose name ends with a given suffix, and passes every other call to the backend it wraps.</summary>
    private sealed class RefusingBackend(DelayedSparkBackend inner, string refusedSuffix) : ISparkBackend, ISparkJobCompletionSource
    {
        public const string Message = "the test backend refuses this job";

        private int refusals;

        public int Refusals => this.refusals;

        public string Name => inner.Name;

        public IReadOnlyCollection<SparkJobKind> SupportedKinds => inner.SupportedKinds;

        public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default)
        {
            if (spec.Name.EndsWith(refusedSuffix, StringComparison.Ordinal))
            {
                Interlocked.Increment(ref this.refusals);
                throw new InvalidOperationException(Message);
            }

            return inner.StartJobAsync(spec, idempotencyKey, cancellationToken);
        }

        public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) => inner.GetStatusAsync(handle, cancellationToken);

        public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) => inner.CancelJobAsync(handle, cancellationToken);

        public bool WatchCompletion(SparkJobHandle handle, Func<SparkJobStatus, Task> ended) => inner.WatchCompletion(handle, ended);
    }
}
