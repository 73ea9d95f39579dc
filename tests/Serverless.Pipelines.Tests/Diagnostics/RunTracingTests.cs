using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serverless.Pipelines.Diagnostics;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Tests.Orchestration;
using Serverless.Pipelines.Tests.Samples;
using Serverless.Spark.Diagnostics;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Diagnostics;

/// <summary>departure-delays traced with the OpenTelemetry SDK's in-memory exporter, with fast-job chaining on and off.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class RunTracingTests(AzuriteFixture azurite)
{
    /// <summary>The tasks of departure-delays, read from its file by hand: load, three queries, the summary.</summary>
    private static readonly string[] Tasks = ["load", "long-flights", "phl-dfw-delayed", "short-flights", "summary"];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task DepartureDelays_Traced_OneRunSpanFiveTaskChildrenEachJobUnderItsTaskNoDuplicates(bool chainFastJobs)
    {
        var spans = new List<Activity>();
        var metrics = new List<MetricSnapshot>();
        using var tracer = Sdk.CreateTracerProviderBuilder().AddSource(PipelineTelemetry.Name, SparkTelemetry.Name).AddInMemoryExporter(spans).Build();
        using var meter = Sdk.CreateMeterProviderBuilder().AddMeter(PipelineTelemetry.Name, SparkTelemetry.Name).AddInMemoryExporter(metrics).Build();
        var dags = (await new DagFolderSource(RepositoryPaths.SampleDags).LoadAsync()).Select(r => r.Dag!).Where(d => d.Id == "departure-delays").ToList();
        Assert.Equal(Tasks, dags.Single().Tasks.Select(t => t.Id).Order(StringComparer.Ordinal));
        var container = AzuriteFixture.UniqueName("trace");
        var blobs = azurite.CreateAccount().Blobs.GetBlobContainerClient(container);
        await blobs.CreateIfNotExistsAsync();
        await blobs.GetBlobClient("samples/flights-3m.parquet").UploadAsync(Path.Combine(DuckDbSampleRunner.DataFolder, "flights-3m.parquet"), overwrite: true);
        await using var host = await PipelineTestHost.StartAsync(azurite, dags, configure: o => o.ChainFastJobs = chainFastJobs, dataContainer: container);

        var run = await host.RunAsync("departure-delays", timeout: TimeSpan.FromSeconds(120));

        Assert.Equal(DagRunState.Success, run.State);
        tracer.ForceFlush();
        List<Activity> mine;
        lock (spans)
        {
            mine = spans.Where(s => s.TraceId == RunTrace.TraceId(run.RunId)).ToList();
        }

        // One run span, a root.
        var runSpan = Assert.Single(mine, s => s.Source.Name == PipelineTelemetry.Name && s.DisplayName.StartsWith("run ", StringComparison.Ordinal));
        Assert.Equal(default, runSpan.ParentSpanId);
        Assert.Equal(run.RunId, runSpan.GetTagItem("serverless.run_id"));
        Assert.Equal("departure-delays", runSpan.GetTagItem("serverless.dag_id"));

        // Five task attempt spans, children of the run span, one per task.
        var taskSpans = mine.Where(s => s.Source.Name == PipelineTelemetry.Name && s.DisplayName.StartsWith("task ", StringComparison.Ordinal)).ToList();
        Assert.Equal(Tasks, taskSpans.Select(s => (string)s.GetTagItem("serverless.task_id")!).Order(StringComparer.Ordinal));
        Assert.All(taskSpans, s => Assert.Equal(runSpan.SpanId, s.ParentSpanId));
        Assert.All(taskSpans, s => Assert.Equal(1, s.GetTagItem("serverless.attempt")));

        // Each job submit under its own task's span, whichever activity submitted it.
        var submits = mine.Where(s => s.DisplayName == "spark.job.submit").ToList();
        Assert.Equal(Tasks, submits.Select(s => (string)s.GetTagItem("serverless.task_id")!).Order(StringComparer.Ordinal));
        foreach (var submit in submits)
        {
            var task = taskSpans.Single(t => Equals(t.GetTagItem("serverless.task_id"), submit.GetTagItem("serverless.task_id")));
            Assert.Equal(task.SpanId, submit.ParentSpanId);
            Assert.Equal(task.GetTagItem("serverless.job_id"), submit.GetTagItem("serverless.job_id"));
        }

        Assert.All(mine.Where(s => s.DisplayName == "spark.job.status"), s => Assert.Contains(taskSpans, t => t.SpanId == s.ParentSpanId));

        // No span twice, though the orchestrator replayed at every step.
        Assert.Equal(mine.Count, mine.Select(s => s.SpanId).Distinct().Count());

        // Metrics: one run started and finished successfully, five task durations, five local jobs succeeded.
        meter.ForceFlush();
        Assert.Equal(1, Sum(metrics, "pipelines.runs_started", ("dag", "departure-delays")));
        Assert.Equal(1, Sum(metrics, "pipelines.runs_finished", ("dag", "departure-delays"), ("state", "success")));
        Assert.Equal(5, Count(metrics, "pipelines.task_duration", ("dag", "departure-delays"), ("state", "success")));
        Assert.Equal(5, Sum(metrics, "spark.jobs_completed", ("backend", "local"), ("state", "Succeeded")));

        // One hop per task with an upstream (every task but load), each measured once although the run replays.
        Assert.Equal(4, Count(metrics, "pipelines.hop_latency", ("dag", "departure-delays")));
        Assert.Equal(0, Count(metrics, "pipelines.hop_latency", ("dag", "departure-delays"), ("task", "load")));

        // One work-item age per submit activity. Without chaining: load and summary alone, the three queries (ready
        // together when load ended) in one batch; with it, chained jobs ride in their upstream's.
        var singleSubmits = Count(metrics, "pipelines.work_item_age", ("activity", "StartTaskJob"), ("dag", "departure-delays"));
        var batchSubmits = Count(metrics, "pipelines.work_item_age", ("activity", "StartTaskJobs"), ("dag", "departure-delays"));
        if (chainFastJobs)
        {
            Assert.InRange(singleSubmits + batchSubmits, 1, 3);
        }
        else
        {
            Assert.Equal(2, singleSubmits);
            Assert.Equal(1, batchSubmits);
        }
    }

    private static IEnumerable<MetricPoint> Points(List<MetricSnapshot> metrics, string name, (string Key, string Value)[] tags)
    {
        // The exporter keeps a snapshot per export; cumulative points, so the last one has the totals.
        var last = metrics.LastOrDefault(m => m.Name == name);
        Assert.True(last is not null, $"no {name} metric was exported");
        foreach (var point in last.MetricPoints)
        {
            var pointTags = new Dictionary<string, object?>();
            foreach (var tag in point.Tags)
            {
                pointTags[tag.Key] = tag.Value;
            }

            if (tags.All(t => Equals(pointTags.GetValueOrDefault(t.Key), t.Value)))
            {
                yield return point;
            }
        }
    }

    private static long Sum(List<MetricSnapshot> metrics, string name, params (string Key, string Value)[] tags) =>
        Points(metrics, name, tags).Sum(p => p.GetSumLong());

    private static long Count(List<MetricSnapshot> metrics, string name, params (string Key, string Value)[] tags) =>
        Points(metrics, name, tags).Sum(p => p.GetHistogramCount());
}
