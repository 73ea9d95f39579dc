using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Worker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.LocalHost.Durable;
using Serverless.Storage.Connection;
using Serverless.Storage.Diagnostics;

namespace Serverless.Benchmarks.Scenarios;

/// <summary>
/// <c>./bench.sh engine</c>: durable engine throughput and latency against Azurite, each figure with
/// the raw queue round-trip rate measured in the same run and the storage requests per activity.
/// </summary>
internal sealed class EngineScenario : IBenchmarkScenario
{
    public string Name => "engine";

    public string Description => "Durable Task on DurableTask.AzureStorage (the local host's stack): sequential, fan-out-fan-in, many-instances, start-latency, idle";

    public async Task RunAsync(BenchmarkContext context, CancellationToken cancellationToken)
    {
        var counter = new StorageRequestCounter();
        StorageAccount account = StorageAccount.FromConnectionString(context.ConnectionString, counter);
        double baseline = await MeasureQueueRoundTripsAsync(account, cancellationToken);

        await using Engine engine = await Engine.StartAsync(context.ConnectionString, counter);
        await engine.RunAsync("Chain", 5, cancellationToken); // warm-up: JIT and first-touch costs

        await MeasureAsync("sequential", 100, 25, counter, baseline, () => engine.RunAsync("Chain", 100, cancellationToken));
        await MeasureAsync("fan-out-fan-in", 1000, 100, counter, baseline, () => engine.RunAsync("FanOut", 1000, cancellationToken));
        await MeasureAsync("many-instances", 1000, 100, counter, baseline, async () =>
        {
            DateTime started = DateTime.UtcNow.AddSeconds(-1);
            await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => engine.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 10, cancellation: cancellationToken)));

            // One query every 250 ms instead of 100 waiters polling, so the client's reads stay out of the figure.
            while (await CountCompletedAsync(engine.Client, started, cancellationToken) < 100)
            {
                await Task.Delay(250, cancellationToken);
            }
        });

        // Start latency: schedule → the first activity's code running, one instance at a time.
        var latencies = new List<double>();
        for (int i = 0; i < 40; i++)
        {
            var clock = Stopwatch.StartNew();
            var firstActivity = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            engine.OnFirstActivity = firstActivity;
            string id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Chain", 1, cancellation: cancellationToken);
            await firstActivity.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            await engine.Client.WaitForInstanceCompletionAsync(id, false, cancellationToken);
        }

        latencies.Sort();
        BenchmarkContext.Emit(new JsonObject
        {
            ["scenario"] = "start-latency",
            ["samples"] = latencies.Count,
            ["median_ms"] = Math.Round(Percentile(latencies, 0.5), 1),
            ["p99_ms"] = Math.Round(Percentile(latencies, 0.99), 1),
            ["baseline_roundtrips_per_s"] = Math.Round(baseline, 1),
            ["baseline_roundtrip_ms"] = Math.Round(1000 / baseline, 2),
            ["ratio_median_to_roundtrip"] = Math.Round(Percentile(latencies, 0.5) / (1000 / baseline), 1),
            ["peak_rss_mb"] = BenchmarkContext.PeakRssMb(),
            ["target"] = "report only",
        });

        await MeasureIdleAsync(counter, cancellationToken);
    }

    /// <summary>Idle cost: storage requests of a worker with nothing to do, after its polling has backed off.</summary>
    private static async Task MeasureIdleAsync(StorageRequestCounter counter, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken); // let the backoff reach its maximum
        counter.Reset();
        var window = TimeSpan.FromSeconds(40);
        await Task.Delay(window, cancellationToken);
        double perHour = counter.Total * (3600 / window.TotalSeconds);
        BenchmarkContext.Emit(new JsonObject
        {
            ["scenario"] = "idle",
            ["window_s"] = window.TotalSeconds,
            ["storage_tx"] = counter.Total,
            ["storage_tx_per_hour"] = Math.Round(perHour),
            ["max_polling_interval_s"] = new LocalDurableOptions().MaxQueuePollingInterval.TotalSeconds,
            ["target"] = "report only (control and work-item queues polled at the max interval, plus partition lease renewals)",
        });
    }

    private static async Task<int> CountCompletedAsync(DurableTaskClient client, DateTime createdFrom, CancellationToken cancellationToken)
    {
        var count = 0;
        var query = new OrchestrationQuery { Statuses = [OrchestrationRuntimeStatus.Completed], CreatedFrom = createdFrom, PageSize = 1000 };
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            count += instance.Name == "FanOut" ? 1 : 0;
        }

        return count;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    /// <summary>Raw queue send + receive + delete round-trips per second: the floor any queue-driven engine stands on.</summary>
    private static async Task<double> MeasureQueueRoundTripsAsync(StorageAccount account, CancellationToken cancellationToken)
    {
        var queue = account.Queues.GetQueueClient("baseline" + Guid.NewGuid().ToString("N")[..8]);
        await queue.CreateAsync(cancellationToken: cancellationToken);
        for (int i = 0; i < 20; i++)
        {
            await queue.SendMessageAsync("warm", cancellationToken);
            var m = await queue.ReceiveMessageAsync(cancellationToken: cancellationToken);
            await queue.DeleteMessageAsync(m.Value.MessageId, m.Value.PopReceipt, cancellationToken);
        }

        const int count = 300;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            await queue.SendMessageAsync("x", cancellationToken);
            var m = await queue.ReceiveMessageAsync(cancellationToken: cancellationToken);
            await queue.DeleteMessageAsync(m.Value.MessageId, m.Value.PopReceipt, cancellationToken);
        }

        double perSecond = count / clock.Elapsed.TotalSeconds;
        await queue.DeleteAsync(cancellationToken);
        return perSecond;
    }

    private static async Task MeasureAsync(string scenario, int activities, double target, StorageRequestCounter counter, double baseline, Func<Task> run)
    {
        counter.Reset();
        var clock = Stopwatch.StartNew();
        await run();
        double seconds = clock.Elapsed.TotalSeconds;
        double perSecond = activities / seconds;
        double txPerActivity = (double)counter.Total / activities;
        var line = new JsonObject
        {
            ["scenario"] = scenario,
            ["activities"] = activities,
            ["seconds"] = Math.Round(seconds, 2),
            ["activities_per_s"] = Math.Round(perSecond, 1),
            ["storage_tx_per_activity"] = Math.Round(txPerActivity, 2),
            ["storage_tx"] = new JsonObject { ["table"] = counter.Table, ["queue"] = counter.Queue, ["blob"] = counter.Blob },
            ["baseline_roundtrips_per_s"] = Math.Round(baseline, 1),
            ["ratio"] = Math.Round(perSecond / baseline, 3),
            ["peak_rss_mb"] = BenchmarkContext.PeakRssMb(),
            ["target"] = scenario == "fan-out-fan-in" ? $">= {target} activities/s and <= 6 storage tx/activity" : $">= {target} activities/s",
            ["target_met"] = perSecond >= target && (scenario != "fan-out-fan-in" || txPerActivity <= 6),
        };
        BenchmarkContext.Emit(line);
    }

    /// <summary>One in-process worker and client on a fresh task hub, with the benchmark orchestrations.</summary>
    private sealed class Engine : IAsyncDisposable
    {
        private readonly ServiceProvider services;
        private readonly LocalDurableStack durable;

        private Engine(ServiceProvider services, LocalDurableStack durable)
        {
            this.services = services;
            this.durable = durable;
            this.Client = services.GetRequiredService<DurableTaskClient>();
        }

        public DurableTaskClient Client { get; }

        public TaskCompletionSource? OnFirstActivity { get; set; }

        public static async Task<Engine> StartAsync(string connectionString, StorageRequestCounter counter)
        {
            Engine? engine = null;

            // The local host's defaults (LocalDurableOptions), so the figures are the ones ./run.sh gets; the same
            // environment variables as the local host's (Serverless__Durable__*) try other settings.
            var options = new LocalDurableOptions();
            if (Environment.GetEnvironmentVariable("Serverless__Durable__ExtendedSessions") is { } extended)
            {
                options.ExtendedSessions = bool.Parse(extended);
            }

            if (Environment.GetEnvironmentVariable("Serverless__Durable__PartitionCount") is { } partitions)
            {
                options.PartitionCount = int.Parse(partitions, System.Globalization.CultureInfo.InvariantCulture);
            }
            var settings = LocalDurableStack.CreateSettings(connectionString, "bench" + Guid.NewGuid().ToString("N")[..8], options, NullLoggerFactory.Instance, counter);
            var durable = await LocalDurableStack.StartAsync(settings, NullLoggerFactory.Instance);
            var collection = new ServiceCollection();
            collection.AddLogging();
            collection.AddDurableTaskWorker(b =>
            {
                b.UseGrpc(durable.Channel);
                b.Configure(o =>
                {
                    o.Concurrency.MaximumConcurrentActivityWorkItems = options.MaxConcurrentActivities;
                    o.Concurrency.MaximumConcurrentOrchestrationWorkItems = options.MaxConcurrentOrchestrations;
                });
                b.AddTasks(r => r
                    .AddActivityFunc<int, int>("Noop", (_, x) =>
                    {
                        engine?.OnFirstActivity?.TrySetResult();
                        return x;
                    })
                    .AddOrchestratorFunc<int, int>("Chain", async (ctx, n) =>
                    {
                        int last = 0;
                        for (int i = 0; i < n; i++)
                        {
                            last = await ctx.CallActivityAsync<int>("Noop", i);
                        }

                        return last;
                    })
                    .AddOrchestratorFunc<int, int>("FanOut", async (ctx, n) =>
                    {
                        int[] all = await Task.WhenAll(Enumerable.Range(0, n).Select(i => ctx.CallActivityAsync<int>("Noop", i)));
                        return all.Length;
                    }));
            });
            collection.AddDurableTaskClient(b => b.UseGrpc(durable.Channel));
            engine = new Engine(collection.BuildServiceProvider(), durable);
            foreach (var service in engine.services.GetServices<IHostedService>())
            {
                await service.StartAsync(CancellationToken.None);
            }

            return engine;
        }

        public async Task RunAsync(string name, int n, CancellationToken cancellationToken)
        {
            string id = await this.Client.ScheduleNewOrchestrationInstanceAsync(name, n, cancellation: cancellationToken);
            OrchestrationMetadata result = await this.Client.WaitForInstanceCompletionAsync(id, false, cancellationToken);
            if (result.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
            {
                throw new InvalidOperationException($"Benchmark orchestration {name} ended {result.RuntimeStatus}: {result.FailureDetails}");
            }
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var service in this.services.GetServices<IHostedService>())
            {
                await service.StopAsync(CancellationToken.None);
            }

            await this.services.DisposeAsync();
            await this.durable.DisposeAsync();
        }
    }
}
