using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Serverless.LocalHost.Durable;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Service;
using Serverless.Spark.Backends;
using Serverless.Spark.Hosting;
using Serverless.Storage.Connection;
using Serverless.Storage.Diagnostics;

namespace Serverless.Benchmarks.Dag;

/// <summary>
/// The measurements of <c>./bench.sh dag</c> on the local host's stack (DurableTask.AzureStorage behind the gRPC
/// sidecar, the local host's worker concurrency), the <see cref="DelayedSparkBackend"/> and fast-job chaining off.
/// Each shape prints one line with the fields of issue 17, against the baselines of <see cref="PlainBaseline"/>
/// measured on the same worker in the same run.
/// </summary>
public sealed class DagBenchmark : IAsyncDisposable
{
    private const int BaselineHops = 50;
    private readonly ServiceProvider provider;
    private readonly LocalDurableStack durable;
    private readonly List<IHostedService> hosted;
    private readonly StorageRequestCounter counter;
    private readonly DelayedSparkBackend backend;
    private readonly DagBenchOptions options;
    private readonly Action<JsonObject> emit;
    private readonly DurableTaskClient client;
    private readonly IDagRunService runs;
    private readonly Action<JsonObject> diagnostics;
    private readonly int mapChunkSize;
    private double baselineHopMs;

    private DagBenchmark(ServiceProvider provider, LocalDurableStack durable, StorageRequestCounter counter, DelayedSparkBackend backend, DagBenchOptions options, Action<JsonObject> emit)
    {
        this.provider = provider;
        this.durable = durable;
        this.counter = counter;
        this.backend = backend;
        this.options = options;
        this.emit = emit;
        this.hosted = provider.GetServices<IHostedService>().ToList();
        this.client = provider.GetRequiredService<DurableTaskClient>();
        this.runs = provider.GetRequiredService<IDagRunServiceFactory>().Create(this.client);
        this.mapChunkSize = provider.GetRequiredService<IOptions<PipelineOptions>>().Value.MapChunkSize;
        this.diagnostics = line => Console.Error.WriteLine(line.ToJsonString());
    }

    /// <summary>Gets the DAG shapes of this benchmark, by family.</summary>
    public Dictionary<string, DagDefinition> Dags { get; } = new(StringComparer.Ordinal);

    /// <summary>Starts the stack on a fresh task hub and data container.</summary>
    /// <param name="connectionString">The Azurite connection string.</param>
    /// <param name="options">What to run.</param>
    /// <param name="emit">Receives each result line.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The benchmark.</returns>
    public static async Task<DagBenchmark> StartAsync(string connectionString, DagBenchOptions options, Action<JsonObject> emit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var counter = new StorageRequestCounter();
        var account = StorageAccount.FromConnectionString(connectionString, counter);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var dataContainer = "bench" + suffix;
        var durableOptions = new LocalDurableOptions { MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100) };
        var settings = LocalDurableStack.CreateSettings(connectionString, "bench" + suffix, durableOptions, NullLoggerFactory.Instance, counter);
        var durable = await LocalDurableStack.StartAsync(settings, NullLoggerFactory.Instance, cancellationToken);
        var backend = new DelayedSparkBackend();
        var services = new ServiceCollection();
        services.AddSingleton(account);
        services.AddLogging();
        services.AddDurableTaskWorker(b =>
        {
            b.UseGrpc(durable.Channel);
            b.Configure(o =>
            {
                o.Concurrency.MaximumConcurrentActivityWorkItems = durableOptions.MaxConcurrentActivities;
                o.Concurrency.MaximumConcurrentOrchestrationWorkItems = durableOptions.MaxConcurrentOrchestrations;
            });
            b.AddTasks(r => r.AddPipelineTasks().AddPlainBaseline());
        });
        services.AddDurableTaskClient(b => b.UseGrpc(durable.Channel));
        services.AddSingleton<ISparkBackend>(backend);
        services.AddSparkJobs(o => o.DataContainer = dataContainer);
        var shapes = new Dictionary<string, Func<DagDefinition>>(StringComparer.Ordinal)
        {
            ["chain"] = () => DagShapes.Chain("chain", options.Size(50)),
            ["wide"] = () => DagShapes.Wide("wide", options.Size(200)),
            ["layers"] = () => DagShapes.Layers("layers", options.Size(50), options.Size(100)),
            ["map"] = () => DagShapes.Map("map", 100),
            ["runs"] = () => DagShapes.Small("runs", 10),
        };
        var dags = new Dictionary<string, DagDefinition>(StringComparer.Ordinal)
        {
            ["warmup"] = DagShapes.Chain("warmup", 3),
            ["warmup-wide"] = DagShapes.Wide("warmup-wide", 20),
        };
        foreach (var family in options.Shapes)
        {
            dags[family] = shapes[family]();
        }

        services.AddPipelines(o =>
        {
            o.ReadDagContainer = false;
            o.ChainFastJobs = false;
            foreach (var dag in dags.Values)
            {
                o.Dags.Add(dag);
            }
        });
        var provider = services.BuildServiceProvider();
        await account.Blobs.GetBlobContainerClient(dataContainer).CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var benchmark = new DagBenchmark(provider, durable, counter, backend, options, emit);
        foreach (var (family, dag) in dags)
        {
            benchmark.Dags[family] = dag;
        }

        foreach (var service in benchmark.hosted)
        {
            await service.StartAsync(cancellationToken);
        }

        return benchmark;
    }

    /// <summary>Runs the baselines, then every shape the options name.</summary>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>A task.</returns>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Warm-up, not measured: the first run in a process pays JIT and connection set-up on every path a hop takes
        // (a wide-100 push run measured 139 ms cold, 45 ms warm). Both completion paths and a batched submit run once.
        this.backend.Delay = TimeSpan.Zero;
        _ = await this.RunDagAsync("warmup", null, cancellationToken);
        foreach (var push in new[] { true, false })
        {
            this.backend.Delay = TimeSpan.FromMilliseconds(200);
            this.backend.Push = push;
            _ = await this.RunDagAsync("warmup-wide", null, cancellationToken);
        }

        this.backend.Delay = TimeSpan.Zero;
        this.backend.Push = true;
        await PlainBaseline.FanOutPerSecondAsync(this.client, 20, cancellationToken);
        var hops = await PlainBaseline.SequentialHopsAsync(this.client, BaselineHops, cancellationToken);
        hops.Sort();
        this.baselineHopMs = Percentile(hops, 0.5);
        foreach (var family in this.options.Shapes)
        {
            switch (family)
            {
                case "chain" or "wide":
                    foreach (var push in new[] { true, false })
                    {
                        this.backend.Delay = this.options.HopJobDelay;
                        this.backend.Push = push;
                        await this.MeasureShapeAsync(family, push ? "push" : "poll", null, cancellationToken);
                    }

                    break;
                case "layers":
                    this.backend.Delay = TimeSpan.Zero;
                    await this.MeasureShapeAsync(family, null, null, cancellationToken);
                    break;
                case "map":
                    this.backend.Delay = TimeSpan.Zero;
                    var items = new JsonArray(Enumerable.Range(0, this.options.Size(10_000)).Select(i => (JsonNode)i).ToArray());
                    await this.MeasureShapeAsync(family, null, new JsonObject { ["items"] = items }, cancellationToken);
                    break;
                case "runs":
                    this.backend.Delay = TimeSpan.FromMilliseconds(100);
                    await this.MeasureRunsAsync(this.options.Size(200), cancellationToken);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>Starts many runs of the 5-task DAG at once (manual triggers, one logical date each) and waits for all of them.</summary>
    private async Task MeasureRunsAsync(int count, CancellationToken cancellationToken)
    {
        var dag = this.Dags["runs"];
        this.backend.Clear();
        this.counter.Reset();
        using var memory = MemoryPhase.Begin($"runs-{count} run");
        var clock = Stopwatch.StartNew();
        var day = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var started = await Task.WhenAll(Enumerable.Range(0, count).Select(i => this.runs.TriggerAsync(dag.Id, new DagRunTrigger(LogicalDate: day.AddDays(i)), cancellationToken)));
        var completed = 0;
        foreach (var run in started)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromMinutes(20));
            await this.client.WaitForInstanceCompletionAsync(run.RunId, false, timeout.Token);
            completed += (await this.runs.GetRunAsync(run.RunId, cancellationToken))?.State == Pipelines.Runs.DagRunState.Success ? 1 : 0;
        }

        var runMs = clock.Elapsed.TotalMilliseconds;
        var transactions = this.counter.Total;
        var peak = this.EndPhase(memory);
        var tasks = this.backend.ByKey.Count;
        var hops = this.RunHops(dag);
        hops.Sort();
        var fanOut = await this.FanOutBaselineAsync("runs", tasks, cancellationToken);
        var line = this.Line($"runs-{count}x{dag.Tasks.Count}", null, tasks, hops, runMs, fanOut, transactions, peak);
        line["runs"] = count;
        line["runs_completed"] = completed;
        line["max_active_seen"] = this.backend.PeakOverlappingRuns();
        this.emit(line);
    }

    /// <summary>Per run and task with upstreams: its job's submit minus its last upstream's finish, in the same run.</summary>
    private List<double> RunHops(DagDefinition dag)
    {
        var graph = new DagGraph(dag);
        var hops = new List<double>();
        foreach (var run in this.backend.ByKey.GroupBy(j => j.Key.Split(':')[0], StringComparer.Ordinal))
        {
            var byTask = run.ToDictionary(j => j.Key.Split(':')[1], j => j.Value, StringComparer.Ordinal);
            foreach (var (task, times) in byTask)
            {
                var upstream = graph.UpstreamOf(task);
                if (upstream.Count > 0 && upstream.All(byTask.ContainsKey))
                {
                    hops.Add(Stopwatch.GetElapsedTime(upstream.Max(u => byTask[u].Finished), times.Submitted).TotalMilliseconds);
                }
            }
        }

        return hops;
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        foreach (var service in this.hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        await this.provider.DisposeAsync();
        await this.durable.DisposeAsync();
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? -1 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static string ShapeName(string family, DagDefinition dag, int tasks) => family switch
    {
        "chain" => $"chain-{dag.Tasks.Count}",
        "wide" => $"wide-{dag.Tasks.Count - 2}",
        "layers" => $"layers-{dag.Tasks.Count / dag.Tasks.Count(t => t.DependsOn.Count == 0)}x{dag.Tasks.Count(t => t.DependsOn.Count == 0)}",
        "map" => $"map-{tasks - 1}",
        _ => family,
    };

    private async Task MeasureShapeAsync(string family, string? mode, JsonObject? parameters, CancellationToken cancellationToken)
    {
        var dag = this.Dags[family];
        this.backend.Clear();
        this.counter.Reset();
        using var memory = MemoryPhase.Begin(family + (mode is null ? string.Empty : "/" + mode) + " run");
        var clock = Stopwatch.StartNew();
        var (state, inputChars) = await this.RunDagAsync(family, parameters, cancellationToken);
        var runMs = clock.Elapsed.TotalMilliseconds;
        var transactions = this.counter.Total;
        var peak = this.EndPhase(memory, new JsonObject { ["run_input_chars"] = inputChars });
        if (state != "Success")
        {
            throw new InvalidOperationException($"The {family} run ended {state}.");
        }

        var hops = this.Hops(dag);
        hops.Sort();
        var tasks = this.backend.Submits.Count;
        var fanOut = await this.FanOutBaselineAsync(family, tasks, cancellationToken);
        var line = this.Line(ShapeName(family, dag, tasks), mode, tasks, hops, runMs, fanOut, transactions, peak);
        this.emit(line);
    }

    /// <summary>
    /// Ends a phase, reports its memory figures on stderr (one JSON line, not a result line) and returns its peak
    /// RSS: the peak of the run alone, not of the warm-up or the baselines before it, which share the process.
    /// </summary>
    private double EndPhase(MemoryPhase phase, JsonObject? more = null)
    {
        var figures = phase.End();
        foreach (var (name, value) in more ?? [])
        {
            figures[name] = value?.DeepClone();
        }

        this.diagnostics(figures);
        return (double)figures["peak_rss_mb"]!;
    }

    /// <summary>
    /// The plain fan-out, in its own memory phase: as many no-op activities as the shape had tasks, in one plain
    /// orchestration; for the map, as many as one of its chunks holds (<see cref="PipelineOptions.MapChunkSize"/>),
    /// the most any orchestration of a chunked map fans out. One plain orchestration of 10,001 activities replays a
    /// history that grows with every completion (more than 20 minutes on 2 cores), and 21 plain sub-orchestrations
    /// of 500 still took more than 14 minutes: both measure the history and the storage, not the fan-out rate.
    /// </summary>
    private async Task<double> FanOutBaselineAsync(string family, int tasks, CancellationToken cancellationToken)
    {
        var count = family == "map" ? Math.Min(tasks, this.mapChunkSize) : tasks;
        using var memory = MemoryPhase.Begin($"{family} baseline fan-out of {count}");
        var fanOut = await PlainBaseline.FanOutPerSecondAsync(this.client, count, cancellationToken);
        this.EndPhase(memory);
        return fanOut;
    }

    private JsonObject Line(string shape, string? mode, int tasks, List<double> hops, double runMs, double fanOut, long transactions, double peakRssMb)
    {
        var median = Percentile(hops, 0.5);
        var p99 = Percentile(hops, 0.99);
        var tasksPerSecond = tasks / (runMs / 1000);
        var line = new JsonObject
        {
            ["scenario"] = "dag",
            ["shape"] = shape,
        };
        if (mode is not null)
        {
            line["mode"] = mode;
        }

        line["tasks"] = tasks;
        line["median_hop_ms"] = Math.Round(median, 1);
        line["p99_hop_ms"] = Math.Round(p99, 1);
        line["baseline_hop_ms"] = Math.Round(this.baselineHopMs, 1);
        line["median_ratio"] = Math.Round(median / this.baselineHopMs, 2);
        line["p99_ratio"] = Math.Round(p99 / this.baselineHopMs, 2);
        line["run_ms"] = Math.Round(runMs, 0);
        line["tasks_per_s"] = Math.Round(tasksPerSecond, 1);
        line["baseline_fanout_per_s"] = Math.Round(fanOut, 1);
        line["fanout_ratio"] = Math.Round(tasksPerSecond / fanOut, 2);
        line["storage_tx_per_task"] = Math.Round((double)transactions / tasks, 1);
        line["peak_rss_mb"] = peakRssMb;
        return line;
    }

    /// <summary>Per task with upstreams (per mapped instance): its job's submit minus the time its last upstream's job became finished.</summary>
    private List<double> Hops(DagDefinition dag)
    {
        var graph = new DagGraph(dag);
        var hops = new List<double>();
        foreach (var (name, submitted) in this.backend.Submits)
        {
            var parts = name.Split('.');
            if (parts.Length < 2)
            {
                continue;
            }

            var upstream = graph.UpstreamOf(parts[1]);
            if (upstream.Count == 0)
            {
                continue;
            }

            var ready = upstream.Max(u => this.backend.Finishes[dag.Id + "." + u]);
            hops.Add(Stopwatch.GetElapsedTime(ready, submitted).TotalMilliseconds);
        }

        return hops;
    }

    /// <summary>Runs a DAG to its end; returns its state (with the failure, if any) and the size of the orchestration's input, which every episode of the run reads again.</summary>
    private async Task<(string State, int InputChars)> RunDagAsync(string family, JsonObject? parameters, CancellationToken cancellationToken)
    {
        var started = await this.runs.TriggerAsync(this.Dags[family].Id, new DagRunTrigger(parameters), cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(20));
        await this.client.WaitForInstanceCompletionAsync(started.RunId, false, timeout.Token);
        var run = await this.runs.GetRunAsync(started.RunId, cancellationToken);
        var instance = await this.client.GetInstanceAsync(started.RunId, true, cancellationToken);
        var failure = instance?.RuntimeStatus == OrchestrationRuntimeStatus.Failed
            ? $" ({instance.FailureDetails?.ErrorType}: {instance.FailureDetails?.ErrorMessage} {instance.FailureDetails?.StackTrace}; output {instance.SerializedOutput?[..Math.Min(2000, instance.SerializedOutput.Length)]})"
            : string.Empty;
        return (run is null ? "unknown" : run.State + (run.Error is null ? string.Empty : ": " + run.Error) + failure, instance?.SerializedInput?.Length ?? 0);
    }
}
