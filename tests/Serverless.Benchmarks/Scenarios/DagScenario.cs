using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.LocalHost.Durable;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Loading;
using Serverless.Pipelines.Service;
using Serverless.Spark.Backends;
using Serverless.Spark.Hosting;
using Serverless.Spark.Jobs;
using Serverless.Storage.Connection;
using Serverless.Storage.Diagnostics;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>
/// <c>./bench.sh dag</c>: scheduling latency of the DAG orchestrator — from an upstream task's job completing to the
/// submission of its downstream job — on a 50-task chain and a 200-task-wide DAG of no-op jobs (a backend that
/// finishes every job at submit), with storage transactions per task and a queue round-trip baseline.
/// </summary>
internal sealed class DagScenario : IBenchmarkScenario
{
    private const double TargetMedianMs = 50;
    private const double TargetP99Ms = 250;

    /// <inheritdoc/>
    public string Name => "dag";

    /// <inheritdoc/>
    public string Description => "DAG scheduling latency (upstream done → downstream submitted) on a 50-chain and a 200-wide DAG of no-op jobs";

    /// <inheritdoc/>
    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var counter = new StorageRequestCounter();
        var account = StorageAccount.FromConnectionString(context.ConnectionString, counter);
        var baselineMs = await QueueRoundTripMedianMsAsync(account, cancellationToken);
        var backend = new NoOpSparkBackend();
        var chain = Chain(50);
        var wide = Wide(200);
        var warmup = Chain(3, "warmup");
        var services = new ServiceCollection();
        services.AddSingleton(account);
        var durableOptions = new LocalDurableOptions { MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100) };
        var settings = LocalDurableStack.CreateSettings(context.ConnectionString, "bench" + Guid.NewGuid().ToString("N")[..8], durableOptions, NullLoggerFactory.Instance, counter);
        await using var durable = await LocalDurableStack.StartAsync(settings, NullLoggerFactory.Instance, cancellationToken);
        services.AddLogging();
        services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(durable.Channel);
            b.AddTasks(r => r.AddPipelineTasks());
        });
        services.AddDurableTaskClient(b => b.UseGrpc(durable.Channel));
        services.AddSingleton<ISparkBackend>(backend);
        services.AddSparkJobs(_ => { });
        services.AddPipelines(o =>
        {
            o.ReadDagContainer = false;
            o.Dags.Add(chain);
            o.Dags.Add(wide);
            o.Dags.Add(warmup);
        });
        await using var provider = services.BuildServiceProvider();
        await account.Blobs.GetBlobContainerClient("data").CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var hosted = provider.GetServices<IHostedService>().ToList();
        var client = provider.GetRequiredService<DurableTaskClient>();
        var runs = provider.GetRequiredService<IDagRunServiceFactory>().Create(client);
        foreach (var service in hosted)
        {
            await service.StartAsync(cancellationToken);
        }

        try
        {
            await RunOnceAsync(runs, client, "warmup", cancellationToken);
            var pipelineOptions = provider.GetRequiredService<IOptions<PipelineOptions>>().Value;
            foreach (var (dag, shape, chained) in new[] { (chain, "chain-50", true), (wide, "wide-200", true), (chain, "chain-50", false), (wide, "wide-200", false) })
            {
                // Chained: a job finished at submit starts its ready successors in the same activity (the default).
                // Not chained: every task takes the full orchestration round, as a long-running Spark job would.
                pipelineOptions.ChainFastJobs = chained;
                backend.Clear();
                counter.Reset();
                var clock = Stopwatch.StartNew();
                var state = await RunOnceAsync(runs, client, dag.Id, cancellationToken);
                var runMs = clock.Elapsed.TotalMilliseconds;
                var transactions = counter.Total;
                var latencies = Latencies(dag, backend);
                latencies.Sort();
                var median = Percentile(latencies, 0.5);
                var p99 = Percentile(latencies, 0.99);
                BenchmarkContext.Emit(new JsonObject
                {
                    ["scenario"] = "dag",
                    ["shape"] = shape,
                    ["chain_fast_jobs"] = chained,
                    ["run_state"] = state,
                    ["tasks"] = dag.Tasks.Count,
                    ["edges_measured"] = latencies.Count,
                    ["median_ms"] = Math.Round(median, 1),
                    ["p99_ms"] = Math.Round(p99, 1),
                    ["max_ms"] = latencies.Count == 0 ? -1 : Math.Round(latencies[^1], 1),
                    ["run_ms"] = Math.Round(runMs, 0),
                    ["storage_tx_per_task"] = Math.Round((double)transactions / dag.Tasks.Count, 1),
                    ["baseline_queue_roundtrip_ms"] = Math.Round(baselineMs, 1),
                    ["median_vs_baseline"] = Math.Round(median / baselineMs, 2),
                    ["target"] = new JsonObject { ["median_ms"] = TargetMedianMs, ["p99_ms"] = TargetP99Ms },
                    ["meets_target"] = median <= TargetMedianMs && p99 <= TargetP99Ms,
                    ["engine_max_polling_ms"] = 100,
                    ["peak_rss_mb"] = BenchmarkContext.PeakRssMb(),
                });
            }
        }
        finally
        {
            foreach (var service in hosted)
            {
                await service.StopAsync(CancellationToken.None);
            }
        }
    }

    private static async Task<string> RunOnceAsync(IDagRunService runs, DurableTaskClient client, string dagId, CancellationToken cancellationToken)
    {
        var started = await runs.TriggerAsync(dagId, new DagRunTrigger(), cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(5));
        await client.WaitForInstanceCompletionAsync(started.RunId, false, timeout.Token);
        var run = await runs.GetRunAsync(started.RunId, cancellationToken);
        return run is null ? "unknown" : run.State + (run.Error is null ? string.Empty : ": " + run.Error);
    }

    /// <summary>Per edge: downstream submit time minus the time its last upstream's job was known finished.</summary>
    private static List<double> Latencies(DagDefinition dag, NoOpSparkBackend backend)
    {
        var graph = new DagGraph(dag);
        var latencies = new List<double>();
        foreach (var task in dag.Tasks)
        {
            var upstream = graph.UpstreamOf(task.Id);
            if (upstream.Count == 0 || !backend.Submits.TryGetValue(dag.Id + "." + task.Id, out var submitted))
            {
                continue;
            }

            var ready = upstream.Max(u => backend.Completions[dag.Id + "." + u]);
            latencies.Add(Stopwatch.GetElapsedTime(ready, submitted).TotalMilliseconds);
        }

        return latencies;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? -1 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static DagDefinition Chain(int length, string id = "chain")
    {
        var yaml = new StringBuilder($"id: {id}\nmaxActiveTasks: 16\ntasks:\n");
        for (var i = 0; i < length; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ id: t{i:D3}, kind: sql, sql: SELECT 1, outputs: [rows]{(i == 0 ? string.Empty : $", dependsOn: [t{i - 1:D3}]")} }}\n");
        }

        return Load(yaml.ToString());
    }

    private static DagDefinition Wide(int width)
    {
        var yaml = new StringBuilder("id: wide\nmaxActiveTasks: 256\ntasks:\n  - { id: root, kind: sql, sql: SELECT 1, outputs: [rows] }\n");
        for (var i = 0; i < width; i++)
        {
            yaml.Append(CultureInfo.InvariantCulture, $"  - {{ id: w{i:D3}, kind: sql, sql: SELECT 1, outputs: [rows], dependsOn: [root] }}\n");
        }

        yaml.Append("  - id: join\n    kind: sql\n    sql: SELECT 1\n    outputs: [rows]\n    dependsOn: [");
        yaml.AppendJoin(", ", Enumerable.Range(0, width).Select(i => string.Create(CultureInfo.InvariantCulture, $"w{i:D3}")));
        yaml.Append("]\n");
        return Load(yaml.ToString());
    }

    private static DagDefinition Load(string yaml)
    {
        var loaded = DagFileLoader.Load(yaml, "bench.yaml");
        return loaded.IsValid ? loaded.Dag! : throw new InvalidOperationException(string.Join("\n", loaded.Problems));
    }

    private static async Task<double> QueueRoundTripMedianMsAsync(StorageAccount account, CancellationToken cancellationToken)
    {
        var queue = account.Queues.GetQueueClient("bench-baseline");
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var samples = new List<double>();
        for (var i = 0; i < 30; i++)
        {
            var clock = Stopwatch.StartNew();
            await queue.SendMessageAsync("x", cancellationToken);
            var received = await queue.ReceiveMessageAsync(cancellationToken: cancellationToken);
            await queue.DeleteMessageAsync(received.Value.MessageId, received.Value.PopReceipt, cancellationToken);
            samples.Add(clock.Elapsed.TotalMilliseconds);
        }

        await queue.DeleteAsync(cancellationToken);
        samples.Sort();
        return Percentile(samples, 0.5);
    }

    /// <summary>A backend whose jobs are finished the moment they are submitted; records when each job was submitted and first seen finished.</summary>
    private sealed class NoOpSparkBackend : ISparkBackend
    {
        public string Name => "noop";

        public IReadOnlyCollection<SparkJobKind> SupportedKinds { get; } = [SparkJobKind.Sql];

        public ConcurrentDictionary<string, long> Submits { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, long> Completions { get; } = new(StringComparer.Ordinal);

        private ConcurrentDictionary<string, string> Names { get; } = new(StringComparer.Ordinal);

        public void Clear()
        {
            Submits.Clear();
            Completions.Clear();
            Names.Clear();
        }

        public Task<SparkJobHandle> StartJobAsync(SparkJobSpec spec, string idempotencyKey, CancellationToken cancellationToken = default)
        {
            Submits.TryAdd(spec.Name, Stopwatch.GetTimestamp());
            Names[idempotencyKey] = spec.Name;
            return Task.FromResult(new SparkJobHandle(Name, idempotencyKey, idempotencyKey));
        }

        public Task<SparkJobStatus> GetStatusAsync(SparkJobHandle handle, CancellationToken cancellationToken = default)
        {
            if (Names.TryGetValue(handle.JobId, out var name))
            {
                Completions.TryAdd(name, Stopwatch.GetTimestamp());
            }

            return Task.FromResult(new SparkJobStatus(handle.JobId, SparkJobState.Succeeded));
        }

        public Task<SparkJobStatus> CancelJobAsync(SparkJobHandle handle, CancellationToken cancellationToken = default) =>
            Task.FromResult(new SparkJobStatus(handle.JobId, SparkJobState.Cancelled));
    }
}
