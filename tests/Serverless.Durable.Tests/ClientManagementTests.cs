using Serverless.Durable.Client;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ClientManagementTests(AzuriteFixture azurite)
{
    private static void WaitingTasks(DurableTaskRegistry r) => r
        .AddActivityFunc<int, int>("AddOne", (_, x) => Task.FromResult(x + 1))
        .AddOrchestratorFunc<object?, int>("Waiter", async (ctx, _) =>
        {
            ctx.SetCustomStatus("waiting");
            int value = await ctx.WaitForExternalEvent<int>("value");
            return await ctx.CallActivityAsync<int>("AddOne", value);
        });

    [Fact]
    public async Task ScheduleNew_SameIdWhileRunning_ConflictsUnlessReused()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, WaitingTasks);
        string id = AzuriteFixture.UniqueName("dup");
        await engine.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions(id));

        var conflict = await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() =>
            engine.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions(id)));
        string reused = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", null, new StartOrchestrationOptions(id) { ReuseIfRunning = true });

        Assert.Contains(id, conflict.Message, StringComparison.Ordinal);
        Assert.Equal(id, reused);
    }

    [Fact]
    public async Task ScheduleNew_FinishedId_StartsAFreshExecution()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddActivityFunc<int, int>("Triple", (_, x) => Task.FromResult(x * 3))
            .AddOrchestratorFunc<int, int>("Tripler", (ctx, x) => ctx.CallActivityAsync<int>("Triple", x)));
        string id = AzuriteFixture.UniqueName("again");

        var first = await engine.RunAsync("Tripler", 2, instanceId: id);
        var second = await engine.RunAsync("Tripler", 5, instanceId: id);

        Assert.Equal(6, first.ReadOutputAs<int>());
        Assert.Equal(15, second.ReadOutputAs<int>());
        Assert.NotEqual(first.ExecutionId, second.ExecutionId);
        var history = await engine.Client.GetHistoryAsync(id);
        Assert.Single(history.OfType<History.TaskScheduledEvent>());
    }

    [Fact]
    public async Task Suspend_EventWhileSuspended_WaitsUntilResume()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, WaitingTasks);
        string id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Waiter");
        await Poll.UntilAsync(async () => (await engine.Client.GetInstanceAsync(id))?.SerializedCustomStatus is not null, TimeSpan.FromSeconds(30), "the wait");

        await engine.Client.SuspendInstanceAsync(id, "maintenance");
        await Poll.UntilAsync(async () => (await engine.Client.GetInstanceAsync(id))!.RuntimeStatus == OrchestrationRuntimeStatus.Suspended, TimeSpan.FromSeconds(30), "suspension");
        await engine.Client.RaiseEventAsync(id, "value", 41);

        // The event is queued in the inbox but not applied while suspended.
        await Poll.UntilAsync(
            async () => (await engine.Client.GetHistoryAsync(id)).OfType<History.ExecutionSuspendedEvent>().Any(),
            TimeSpan.FromSeconds(30),
            "the suspension in history");
        Assert.Empty((await engine.Client.GetHistoryAsync(id)).OfType<History.EventRaisedEvent>());
        Assert.Equal(OrchestrationRuntimeStatus.Suspended, (await engine.Client.GetInstanceAsync(id))!.RuntimeStatus);

        await engine.Client.ResumeInstanceAsync(id);
        var result = await engine.Client.WaitForInstanceCompletionAsync(id, true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Assert.Equal(42, result.ReadOutputAs<int>());
    }

    [Fact]
    public async Task Terminate_Running_EndsTerminatedWithReason()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, WaitingTasks);
        string id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Waiter");
        await Poll.UntilAsync(async () => (await engine.Client.GetInstanceAsync(id))?.SerializedCustomStatus is not null, TimeSpan.FromSeconds(30), "the wait");

        await engine.Client.TerminateInstanceAsync(id, "no longer needed");
        var result = await engine.Client.WaitForInstanceCompletionAsync(id, true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("no longer needed", result.ReadOutputAs<string>());
        await Assert.ThrowsAsync<OrchestrationNotFoundException>(() => engine.Client.RaiseEventAsync("no-such-instance", "value", 1));
    }

    [Fact]
    public async Task StartAt_Future_StaysPendingThenRuns()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddOrchestratorFunc<object?, DateTime>("Clock", (ctx, _) => Task.FromResult(ctx.CurrentUtcDateTime)));
        DateTimeOffset startAt = DateTimeOffset.UtcNow.AddSeconds(3);

        string id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Clock", null, new StartOrchestrationOptions(StartAt: startAt));
        var pending = await engine.Client.GetInstanceAsync(id);
        var result = await engine.Client.WaitForInstanceCompletionAsync(id, true, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        Assert.Equal(OrchestrationRuntimeStatus.Pending, pending!.RuntimeStatus);
        Assert.True(result.ReadOutputAs<DateTime>() >= startAt.UtcDateTime, "the orchestration ran before its start time");
    }

    [Fact]
    public async Task Purge_Finished_RemovesEverything()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, WaitingTasks);
        string id = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Waiter");
        await Assert.ThrowsAsync<InvalidOperationException>(() => engine.Client.PurgeInstanceAsync(id));
        await engine.Client.RaiseEventAsync(id, "value", 1);
        await engine.Client.WaitForInstanceCompletionAsync(id, false, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        bool purged = await engine.Client.PurgeInstanceAsync(id);

        Assert.True(purged);
        Assert.Null(await engine.Client.GetInstanceAsync(id));
        Assert.Empty(await engine.Client.GetHistoryAsync(id));
    }

    [Fact]
    public async Task PurgeInstances_CompletedBefore_PurgesOnlyFinishedOnes()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, WaitingTasks);
        string done = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Waiter");
        string running = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Waiter");
        await engine.Client.RaiseEventAsync(done, "value", 1);
        await engine.Client.WaitForInstanceCompletionAsync(done, false, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        int purged = await engine.Client.PurgeInstancesAsync(DateTime.UtcNow.AddMinutes(1));

        Assert.Equal(1, purged);
        Assert.Null(await engine.Client.GetInstanceAsync(done));
        Assert.NotNull(await engine.Client.GetInstanceAsync(running));
    }

    [Fact]
    public async Task QueryInstances_Paged_ReturnsEveryInstanceOnce()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r
            .AddOrchestratorFunc<int, int>("Echo", (_, x) => Task.FromResult(x))
            .AddOrchestratorFunc<int, int>("Other", (_, x) => Task.FromResult(x)));
        DateTime before = DateTime.UtcNow.AddSeconds(-1);
        var ids = new List<string>();
        for (int i = 0; i < 7; i++)
        {
            ids.Add(await engine.Client.ScheduleNewOrchestrationInstanceAsync("Echo", i));
        }

        string other = await engine.Client.ScheduleNewOrchestrationInstanceAsync("Other", 1);
        foreach (string id in ids.Append(other))
        {
            await engine.Client.WaitForInstanceCompletionAsync(id, false, new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        }

        var seen = new List<string>();
        string? token = null;
        int pages = 0;
        do
        {
            var page = await engine.Client.QueryInstancesAsync(new OrchestrationQuery
            {
                Name = "Echo",
                Statuses = [OrchestrationRuntimeStatus.Completed],
                CreatedFrom = before,
                PageSize = 3,
                ContinuationToken = token,
            });
            Assert.True(page.Instances.Count <= 3);
            seen.AddRange(page.Instances.Select(i => i.InstanceId));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.Equal(ids.Order(), seen.Order());
        Assert.True(pages >= 3);
        var none = await engine.Client.QueryInstancesAsync(new OrchestrationQuery { Name = "Echo", CreatedTo = before });
        Assert.Empty(none.Instances);
    }
}
