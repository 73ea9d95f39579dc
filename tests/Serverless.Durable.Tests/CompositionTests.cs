using System.Diagnostics;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class CompositionTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CallSubOrchestratorAsync_ThreeLevels_ComposesResults()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddActivityFunc<int, int>("Double", (_, x) => Task.FromResult(x * 2))
            .AddOrchestratorFunc<int, int>("Leaf", (ctx, x) => ctx.CallActivityAsync<int>("Double", x))
            .AddOrchestratorFunc<int, int>("Middle", async (ctx, x) =>
            {
                int[] parts = await Task.WhenAll(ctx.CallSubOrchestratorAsync<int>("Leaf", x), ctx.CallSubOrchestratorAsync<int>("Leaf", x + 1));
                return parts.Sum();
            })
            .AddOrchestratorFunc<int, int>("Root", async (ctx, x) =>
                await ctx.CallSubOrchestratorAsync<int>("Middle", x, new SubOrchestrationOptions(InstanceId: ctx.InstanceId + "-middle")) + 1));

        var result = await engine.RunAsync("Root", 10, instanceId: AzuriteFixture.UniqueName("root"));

        // (10*2) + (11*2) + 1, computed by hand.
        Assert.Equal(43, result.ReadOutputAs<int>());
        var child = await engine.Client.GetInstanceAsync(result.InstanceId + "-middle", true);
        Assert.NotNull(child);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child.RuntimeStatus);
        Assert.Equal(result.InstanceId, child.ParentInstanceId);
        Assert.Equal(42, child.ReadOutputAs<int>());
    }

    [Fact]
    public async Task CallSubOrchestratorAsync_ChildFails_ParentSeesTaskFailedException()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddOrchestratorFunc<object?, int>("Broken", (_, _) => throw new InvalidOperationException("child broke"))
            .AddOrchestratorFunc<object?, string>("Parent", async (ctx, _) =>
            {
                try
                {
                    await ctx.CallSubOrchestratorAsync<int>("Broken");
                    return "no error";
                }
                catch (TaskFailedException error)
                {
                    return error.FailureDetails.ErrorMessage;
                }
            }));

        var result = await engine.RunAsync("Parent");

        Assert.Equal("child broke", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task ContinueAsNew_HundredGenerations_CountsToHundredWithShortHistory()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddActivityFunc<int, int>("Inc", (_, x) => Task.FromResult(x + 1))
            .AddOrchestratorFunc<int, int>("Counter", async (ctx, n) =>
            {
                int next = await ctx.CallActivityAsync<int>("Inc", n);
                if (next < 100)
                {
                    ctx.ContinueAsNew(next);
                }

                return next;
            }));

        var result = await engine.RunAsync("Counter", 0, TimeSpan.FromSeconds(120));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(100, result.ReadOutputAs<int>());
        Assert.Equal(99, result.ReadInputAs<int>());
        var history = await engine.Client.GetHistoryAsync(result.InstanceId);
        Assert.True(history.Count < 12, $"The last generation's history should be short, was {history.Count} events.");
    }

    [Fact]
    public async Task CallActivityAsync_RetryPolicy_RetriesWithBackoffThenSucceeds()
    {
        var attempts = new List<DateTime>();
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddActivityFunc<object?, string>("Flaky", (_, _) =>
            {
                lock (attempts)
                {
                    attempts.Add(DateTime.UtcNow);
                    if (attempts.Count < 3)
                    {
                        throw new IOException($"attempt {attempts.Count} failed");
                    }
                }

                return Task.FromResult("ok");
            })
            .AddOrchestratorFunc<object?, string>("Retrying", (ctx, _) =>
                ctx.CallActivityAsync<string>("Flaky", null, TaskOptions.FromRetryPolicy(new RetryPolicy(4, TimeSpan.FromSeconds(1), backoffCoefficient: 2.0)))));

        var result = await engine.RunAsync("Retrying");

        Assert.Equal("ok", result.ReadOutputAs<string>());
        Assert.Equal(3, attempts.Count);

        // Delays: 1 s after attempt 1, 2 s after attempt 2 (first interval × 2^(n-1)).
        Assert.True(attempts[1] - attempts[0] >= TimeSpan.FromSeconds(1), $"first gap {(attempts[1] - attempts[0]).TotalMilliseconds} ms");
        Assert.True(attempts[2] - attempts[1] >= TimeSpan.FromSeconds(2), $"second gap {(attempts[2] - attempts[1]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task CallActivityAsync_RetryPredicateRejects_FailsAfterOneAttempt()
    {
        int calls = 0;
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddActivityFunc<object?, string>("Fatal", (_, _) =>
            {
                Interlocked.Increment(ref calls);
                throw new ArgumentException("bad input");
            })
            .AddOrchestratorFunc<object?, string>("NoRetryOnArgument", (ctx, _) =>
                ctx.CallActivityAsync<string>("Fatal", null, TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1))
                {
                    HandleFailure = f => !f.IsCausedBy<ArgumentException>(),
                }))));

        var result = await engine.RunAsync("NoRetryOnArgument");

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(1, calls);
        Assert.Equal(typeof(TaskFailedException).FullName, result.FailureDetails!.ErrorType);
        Assert.Equal("bad input", result.FailureDetails.InnerFailure!.ErrorMessage);
    }

    [Fact]
    public async Task FanOut_ThousandActivities_AllResultsArrive()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddActivityFunc<int, long>("Cube", (_, x) => Task.FromResult((long)x * x * x))
            .AddOrchestratorFunc<int, long>("SumOfCubes", async (ctx, n) =>
            {
                long[] cubes = await Task.WhenAll(Enumerable.Range(1, n).Select(i => ctx.CallActivityAsync<long>("Cube", i)));
                return cubes.Sum();
            }));

        var clock = Stopwatch.StartNew();
        var result = await engine.RunAsync("SumOfCubes", 1000, TimeSpan.FromSeconds(120));

        // (n(n+1)/2)^2 for n = 1000.
        Assert.Equal(250_500_250_000L, result.ReadOutputAs<long>());
        var history = await engine.Client.GetHistoryAsync(result.InstanceId);
        Assert.Equal(1000, history.OfType<History.TaskScheduledEvent>().Count());
        Assert.Equal(1000, history.OfType<History.TaskCompletedEvent>().Select(e => e.TaskScheduledId).Distinct().Count());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task NewGuid_AcrossReplays_IsStable()
    {
        await using TestEngine engine = await TestEngine.StartAsync(
            azurite,
            r => r
                .AddActivityFunc<object?, int>("Noop", (_, _) => Task.FromResult(1))
                .AddOrchestratorFunc<object?, Guid[]>("Guids", async (ctx, _) =>
                {
                    Guid first = ctx.NewGuid();
                    await ctx.CallActivityAsync<int>("Noop");
                    Guid second = ctx.NewGuid();
                    await ctx.CallActivityAsync<int>("Noop");

                    // After two replays the same calls must give the same values.
                    return [first, second, ctx.NewGuid()];
                }),
            o => o.ExecutorCacheSize = 0);

        var result = await engine.RunAsync("Guids");
        Guid[] guids = result.ReadOutputAs<Guid[]>()!;

        Assert.Equal(3, guids.Distinct().Count());
        var history = await engine.Client.GetHistoryAsync(result.InstanceId);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(2, history.OfType<History.TaskScheduledEvent>().Count());
    }
}
