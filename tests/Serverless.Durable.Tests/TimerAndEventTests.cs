using Serverless.Testing;

namespace Serverless.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class TimerAndEventTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task CreateTimer_Delay_FiresNoEarlierThanDue()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddOrchestratorFunc<int, DateTime[]>("Sleeper", async (ctx, ms) =>
            {
                DateTime before = ctx.CurrentUtcDateTime;
                await ctx.CreateTimer(TimeSpan.FromMilliseconds(ms), CancellationToken.None);
                return [before, ctx.CurrentUtcDateTime];
            }));

        var result = await engine.RunAsync("Sleeper", 1500);

        DateTime[] times = result.ReadOutputAs<DateTime[]>()!;
        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(times[1] - times[0] >= TimeSpan.FromMilliseconds(1500), $"Timer fired after {(times[1] - times[0]).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task CreateTimer_DueWhileNoWorkerRuns_FiresWhenAWorkerStarts()
    {
        string hub = AzuriteFixture.UniqueName("hub");
        static void Tasks(DurableTaskRegistry r) => r.AddOrchestratorFunc<int, string>("Nap", async (ctx, seconds) =>
        {
            await ctx.CreateTimer(TimeSpan.FromSeconds(seconds), CancellationToken.None);
            return "woke";
        });

        string id;
        await using (TestEngine first = await TestEngine.StartAsync(azurite, Tasks, taskHub: hub))
        {
            id = await first.Client.ScheduleNewOrchestrationInstanceAsync("Nap", 2);
            await Poll.UntilAsync(async () => (await first.Client.GetInstanceAsync(id))?.RuntimeStatus == OrchestrationRuntimeStatus.Running, TimeSpan.FromSeconds(30), "the instance to start");
        }

        // No worker runs while the timer comes due.
        await using TestEngine idle = await TestEngine.StartAsync(azurite, Tasks, taskHub: hub, start: false);
        await Poll.UntilAsync(
            async () => DateTime.UtcNow > (await idle.Client.GetInstanceAsync(id))!.CreatedAt.UtcDateTime.AddSeconds(3),
            TimeSpan.FromSeconds(30),
            "the timer to come due");
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await idle.Client.GetInstanceAsync(id))!.RuntimeStatus);

        await using TestEngine second = await TestEngine.StartAsync(azurite, Tasks, taskHub: hub);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var result = await second.Client.WaitForInstanceCompletionAsync(id, true, cts.Token);
        Assert.Equal("woke", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_Raised_ReturnsPayload()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddOrchestratorFunc<object?, string>("Approval", async (ctx, _) =>
            {
                ctx.SetCustomStatus("waiting");
                var decision = await ctx.WaitForExternalEvent<Decision>("approval");
                return $"{decision.By}:{decision.Approved}";
            }));

        string id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Approval");
        await Poll.UntilAsync(async () => (await engine.Client.GetInstanceAsync(id))?.SerializedCustomStatus == "\"waiting\"", TimeSpan.FromSeconds(30), "the orchestration to wait");
        await engine.Client.RaiseEventAsync(id, "APPROVAL", new Decision("ada", true));
        var result = await engine.Client.WaitForInstanceCompletionAsync(id, true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal("ada:True", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_RaisedBeforeWaiting_IsBuffered()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddOrchestratorFunc<object?, int>("LateWaiter", async (ctx, _) =>
            {
                await ctx.CreateTimer(TimeSpan.FromMilliseconds(800), CancellationToken.None);
                int a = await ctx.WaitForExternalEvent<int>("n");
                int b = await ctx.WaitForExternalEvent<int>("n");
                return (a * 10) + b;
            }));

        string id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("LateWaiter");
        await engine.Client.RaiseEventAsync(id, "n", 4);
        await engine.Client.RaiseEventAsync(id, "n", 2);
        var result = await engine.Client.WaitForInstanceCompletionAsync(id, true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(42, result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task WaitForExternalEvent_Timeout_ThrowsTimeoutIntoOrchestrator()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddOrchestratorFunc<object?, string>("Impatient", async (ctx, _) =>
            {
                try
                {
                    await ctx.WaitForExternalEvent<string>("never", TimeSpan.FromSeconds(1));
                    return "event";
                }
                catch (TimeoutException)
                {
                    return "timed out";
                }
            }));

        var result = await engine.RunAsync("Impatient");

        Assert.Equal("timed out", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task WaitForExternalEvent_RaisedWithinTimeout_WinsOverTimer()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddOrchestratorFunc<object?, string>("Patient", async (ctx, _) =>
            {
                ctx.SetCustomStatus("waiting");
                return await ctx.WaitForExternalEvent<string>("go", TimeSpan.FromMinutes(5));
            }));

        string id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Patient");
        await Poll.UntilAsync(async () => (await engine.Client.GetInstanceAsync(id))?.SerializedCustomStatus is not null, TimeSpan.FromSeconds(30), "the wait to begin");
        await engine.Client.RaiseEventAsync(id, "go", "went");
        var result = await engine.Client.WaitForInstanceCompletionAsync(id, true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal("went", result.ReadOutputAs<string>());
    }

    private sealed record Decision(string By, bool Approved);
}
