using Serverless.Testing;

namespace Serverless.Durable.Tests;

[Collection(AzuriteCollection.Name)]
public sealed class ConcurrencyAndPoisonTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task TwoWorkers_RacingOnOneInstance_LoseNoEvent()
    {
        const int events = 150;
        string hub = AzuriteFixture.UniqueName("hub");
        static void Tasks(DurableTaskRegistry r) => r.AddOrchestratorFunc<int, long>("Collector", async (ctx, n) =>
        {
            long sum = 0;
            for (int i = 0; i < n; i++)
            {
                sum += await ctx.WaitForExternalEvent<int>("number");
            }

            return sum;
        });

        // No executor cache, so each worker replays from storage and the ETag fence decides every race.
        await using TestEngine a = await TestEngine.StartAsync(azurite, Tasks, o => o.ExecutorCacheSize = 0, taskHub: hub);
        await using TestEngine b = await TestEngine.StartAsync(azurite, Tasks, o => o.ExecutorCacheSize = 0, taskHub: hub);
        string id = await a.Client.ScheduleNewOrchestrationInstanceAsync("Collector", events);

        await Parallel.ForEachAsync(Enumerable.Range(1, events), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await (i % 2 == 0 ? a : b).Client.RaiseEventAsync(id, "number", i, ct));
        var result = await a.Client.WaitForInstanceCompletionAsync(id, true, new CancellationTokenSource(TimeSpan.FromSeconds(90)).Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(events * (events + 1) / 2, result.ReadOutputAs<long>());
        var history = await a.Client.GetHistoryAsync(id);
        Assert.Equal(events, history.OfType<History.EventRaisedEvent>().Count());
    }

    [Fact]
    public async Task PoisonWorkItem_AfterMaxDequeues_FailsInstanceAndKeepsMessage()
    {
        await using TestEngine engine = await TestEngine.StartAsync(
            azurite,
            r => r
                .AddActivity("Unbuildable", _ => throw new InvalidOperationException("missing service: SparkCredentials"))
                .AddOrchestratorFunc<object?, string>("UsesUnbuildable", (ctx, _) => ctx.CallActivityAsync<string>("Unbuildable")),
            o => o.MaxDequeueCount = 3);

        var result = await engine.RunAsync("UsesUnbuildable", timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal("PoisonMessage", result.FailureDetails!.ErrorType);
        Assert.Contains("activity 'Unbuildable'", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("missing service: SparkCredentials", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        var poison = azurite.CreateAccount().Queues.GetQueueClient(engine.TaskHub + "-poison");
        var kept = await poison.PeekMessagesAsync(10);
        Assert.Single(kept.Value);
        Assert.Contains("Unbuildable", kept.Value[0].MessageText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnreadableControlMessage_AfterMaxDequeues_IsKeptAndSkipped()
    {
        await using TestEngine engine = await TestEngine.StartAsync(azurite, r => r.AddOrchestratorFunc<int, int>("Echo", (_, x) => Task.FromResult(x)), o => o.MaxDequeueCount = 2);
        var account = azurite.CreateAccount();
        var control = account.Queues.GetQueueClient(engine.TaskHub + "-control");
        await control.SendMessageAsync("{not json");

        var poison = account.Queues.GetQueueClient(engine.TaskHub + "-poison");
        await Poll.UntilAsync(async () => (await poison.PeekMessagesAsync(1)).Value.Length == 1, TimeSpan.FromSeconds(60), "the message to be kept as poison");

        // The worker still works.
        var result = await engine.RunAsync("Echo", 7);
        Assert.Equal(7, result.ReadOutputAs<int>());
        await Poll.UntilAsync(async () => (await control.PeekMessagesAsync(1)).Value.Length == 0, TimeSpan.FromSeconds(30), "the control queue to drain");
    }
}
