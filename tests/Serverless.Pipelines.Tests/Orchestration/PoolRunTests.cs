using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Benchmarks.Dag;
using Serverless.Pipelines.Orchestration;
using Serverless.Pipelines.Pools;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Service;
using Serverless.Pipelines.Slots;
using Serverless.Testing;

namespace Serverless.Pipelines.Tests.Orchestration;

/// <summary>Pools enforced by the runs' own task attempts through slots in storage, in priority order (one host; the two-host case is in the Functions tests).</summary>
[Collection(AzuriteCollection.Name)]
public sealed class PoolRunTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Run_FiveTasksInAOneSlotPool_OneAtATimeAndWaitersByPriority()
    {
        var pool = AzuriteFixture.UniqueName("narrow");
        var dag = PipelineTestHost.Dag($$"""
            id: pooled
            maxActiveTasks: 8
            defaults: { pool: {{pool}} }
            tasks:
              - { id: p3, kind: sql, sql: SELECT 1, outputs: [rows], priority: 3 }
              - { id: p1, kind: sql, sql: SELECT 1, outputs: [rows], priority: 1 }
              - { id: p9, kind: sql, sql: SELECT 1, outputs: [rows], priority: 9 }
              - { id: p5, kind: sql, sql: SELECT 1, outputs: [rows], priority: 5 }
              - { id: free, kind: sql, sql: SELECT 1, outputs: [rows], pool: default_pool }
            """);
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromMilliseconds(600) };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, o =>
        {
            o.ChainFastJobs = false;
            o.Pools[pool] = new PoolOptions { Slots = 1 };
        });

        var run = await host.RunAsync("pooled", timeout: TimeSpan.FromSeconds(90));

        Assert.Equal(DagRunState.Success, run.State);
        var pooled = new[] { "p3", "p1", "p9", "p5" }.Select(t => (Task: t, Priority: int.Parse(t[1..], System.Globalization.CultureInfo.InvariantCulture), Start: backend.Submits["pooled." + t], End: backend.Finishes["pooled." + t])).ToList();

        // All four were ready at once: whichever asked first took the free slot, and the three that waited got it by
        // priority, highest first.
        var byStart = pooled.OrderBy(j => j.Start).ToList();
        var waited = byStart.Skip(1).Select(j => j.Priority).ToList();
        Assert.Equal(waited.OrderDescending(), waited);

        // Never two pooled jobs at once: each starts after the one before it ended.
        var ordered = pooled.OrderBy(j => j.Start).ToList();
        for (var i = 1; i < ordered.Count; i++)
        {
            Assert.True(ordered[i].Start >= ordered[i - 1].End, $"{ordered[i].Task} started before {ordered[i - 1].Task} ended");
        }

        // The task in the unlimited default pool did not wait for the pooled ones.
        Assert.True(backend.Submits["pooled.free"] < ordered[^1].Start, "the default-pool task waited behind the pool");

        var slots = new ConcurrencySlots(host.Account.Tables.GetTableClient(PipelineResourceNames.SlotTable));
        var state = await slots.ReadAsync(PoolLimits.Scope(pool));
        Assert.Empty(state.Holders);
        Assert.Empty(state.Waiters);
    }

    [Fact]
    public async Task Run_MappedTaskInChunks_EachInstanceTakesASlotNeverMoreThanTheSize()
    {
        var pool = AzuriteFixture.UniqueName("mapped");
        var dag = PipelineTestHost.Dag($$$"""
            id: mapped-pool
            params:
              items: { type: array, default: [1, 2, 3, 4, 5, 6] }
            tasks:
              - id: each
                kind: sql
                pool: {{{pool}}}
                expand: { param: items, maxParallelism: 8 }
                sql: "SELECT {{ item }} AS n"
                outputs: [rows]
            """);
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromMilliseconds(500) };

        // Chunks of 2: instances run in sub-orchestrations, which hold slots under their own instance ids.
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, o =>
        {
            o.MapChunkSize = 2;
            o.Pools[pool] = new PoolOptions { Slots = 2 };
        });

        var run = await host.RunAsync("mapped-pool", timeout: TimeSpan.FromSeconds(90));

        Assert.Equal(DagRunState.Success, run.State);
        var jobs = backend.ByKey.Values.ToList();
        Assert.Equal(6, jobs.Count);
        var peak = jobs.Max(j => jobs.Count(o => o.Submitted <= j.Submitted && j.Submitted < o.Finished));
        Assert.InRange(peak, 1, 2);
        var state = await new ConcurrencySlots(host.Account.Tables.GetTableClient(PipelineResourceNames.SlotTable)).ReadAsync(PoolLimits.Scope(pool));
        Assert.Empty(state.Holders);
        Assert.Empty(state.Waiters);
    }

    [Fact]
    public async Task AcquirePoolSlot_PoolNotConfiguredOnThisHost_AnswersWithAProblemInsteadOfWaiting()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        var options = new PipelineOptions();
        options.Pools["small"] = new PoolOptions { Slots = 1 };
        var activity = new AcquirePoolSlot(azurite.CreateAccount(), Options.Create(options), services);

        var unknown = await activity.RunAsync(null!, new PoolSlotRequest("gone", 1, "run|t|-|1", 1, DateTimeOffset.UnixEpoch));
        var tooWide = await activity.RunAsync(null!, new PoolSlotRequest("small", 2, "run|t|-|1", 1, DateTimeOffset.UnixEpoch));
        var unlimited = await activity.RunAsync(null!, new PoolSlotRequest("default_pool", 5, "run|t|-|1", 1, DateTimeOffset.UnixEpoch));

        Assert.False(unknown.Acquired);
        Assert.Equal("pool 'gone' is not configured: set Serverless__Pools__gone__Slots (configured: small)", unknown.Problem);
        Assert.False(tooWide.Acquired);
        Assert.Contains("more than pool 'small' has (1)", tooWide.Problem, StringComparison.Ordinal);
        Assert.True(unlimited.Acquired);
        Assert.Null(unlimited.Problem);
    }

    [Fact]
    public async Task Run_TerminatedWhileHoldingASlot_SlotTakenOverByTheNextRun()
    {
        var pool = AzuriteFixture.UniqueName("one");
        var dag = PipelineTestHost.Dag($$"""
            id: hog
            maxActiveRuns: 4
            tasks:
              - { id: only, kind: sql, sql: SELECT 1, outputs: [rows], pool: {{pool}} }
            """);
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromSeconds(30) };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, o =>
        {
            o.ChainFastJobs = false;
            o.Pools[pool] = new PoolOptions { Slots = 1 };
        });
        var slots = new ConcurrencySlots(host.Account.Tables.GetTableClient(PipelineResourceNames.SlotTable));
        var first = await host.Runs.TriggerAsync("hog", new DagRunTrigger(LogicalDate: new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var held = await PollAsync(async () => (await slots.ReadAsync(PoolLimits.Scope(pool))).Holders.SingleOrDefault());
        Assert.Equal(first.RunId, PoolHolder.Parse(held.Holder)!.RunId);

        // A hard terminate runs no orchestrator code, so the slot stays held until someone finds its run ended.
        await host.Client.TerminateInstanceAsync(first.RunId);
        await host.Client.WaitForInstanceCompletionAsync(first.RunId);
        backend.Delay = TimeSpan.FromMilliseconds(100);
        var second = await host.Runs.TriggerAsync("hog", new DagRunTrigger(LogicalDate: new DateTimeOffset(2024, 1, 2, 0, 0, 0, TimeSpan.Zero)));
        var done = await host.WaitAsync(second.RunId, TimeSpan.FromSeconds(90));

        Assert.Equal(DagRunState.Success, done.State);
        Assert.Empty((await slots.ReadAsync(PoolLimits.Scope(pool))).Holders);
    }

    [Fact]
    public async Task Run_JobLostWithItsHost_SlotGivenBackBeforeTheRetryDelayThenTakenAgain()
    {
        var pool = AzuriteFixture.UniqueName("lost");
        var dag = PipelineTestHost.Dag($$"""
            id: lossy
            tasks:
              - { id: only, kind: sql, sql: SELECT 1, outputs: [rows], pool: {{pool}}, retries: 1, retryDelay: 2s }
            """);
        var backend = new DelayedSparkBackend { Delay = TimeSpan.FromMinutes(5), Push = false };
        await using var host = await PipelineTestHost.StartAsync(azurite, [dag], backend, o =>
        {
            o.ChainFastJobs = false;
            o.FirstPollInterval = TimeSpan.FromMilliseconds(200);
            o.MaxPollInterval = TimeSpan.FromMilliseconds(500);
            o.Pools[pool] = new PoolOptions { Slots = 1 };
        });
        var slots = new ConcurrencySlots(host.Account.Tables.GetTableClient(PipelineResourceNames.SlotTable));
        var run = await host.Runs.TriggerAsync("lossy", new DagRunTrigger());
        var first = await PollAsync(async () => (await slots.ReadAsync(PoolLimits.Scope(pool))).Holders.SingleOrDefault());
        Assert.Equal(1, PoolHolder.Parse(first.Holder)!.Attempt);

        // The slot is taken before the submit: wait for the job itself before the backend forgets it, as the local
        // backend does when the host that ran it died, so that its status reads Lost.
        await PollAsync(() => Task.FromResult(backend.ByKey.IsEmpty ? null : "submitted"));
        backend.Clear();
        backend.Delay = TimeSpan.FromSeconds(1.5);
        var clock = Stopwatch.StartNew();
        await PollAsync(async () => (await slots.ReadAsync(PoolLimits.Scope(pool))).Holders.Any(h => h.Holder == first.Holder) ? null : "released");
        var released = clock.Elapsed;
        var second = await PollAsync(async () => (await slots.ReadAsync(PoolLimits.Scope(pool))).Holders.SingleOrDefault());
        var retaken = clock.Elapsed;
        var done = await host.WaitAsync(run.RunId, TimeSpan.FromSeconds(60));

        // Given back when the lost attempt ended, not after the retry's 2 s delay; then taken again by attempt 2.
        Assert.Equal(2, PoolHolder.Parse(second.Holder)!.Attempt);
        Assert.True(retaken - released >= TimeSpan.FromSeconds(1.5), $"released at {released}, retaken at {retaken}: the slot was held through the retry delay");
        Assert.Equal(DagRunState.Success, done.State);
        Assert.Equal(2, done.Tasks.Single().Attempts);
        Assert.Empty((await slots.ReadAsync(PoolLimits.Scope(pool))).Holders);
    }

    private static async Task<T> PollAsync<T>(Func<Task<T?>> probe)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (await probe() is { } value)
            {
                return value;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the condition did not hold within 30 s");
    }
}
