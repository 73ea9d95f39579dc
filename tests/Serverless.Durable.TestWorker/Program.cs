using Microsoft.Extensions.DependencyInjection;
using Serverless.Durable.Hosting;
using Serverless.Durable.Worker;
using Serverless.Storage.Connection;

// Usage: Serverless.Durable.TestWorker <connection string> <task hub>. Runs until killed or stdin closes.
string connection = args[0];
string taskHub = args[1];

var services = new ServiceCollection();
services.AddSingleton(StorageAccount.FromConnectionString(connection));
services.AddDurableEngine(o =>
{
    o.TaskHub = taskHub;
    o.MaxPollingInterval = TimeSpan.FromMilliseconds(300);

    // Short leases so work held by a killed process comes back quickly.
    o.ControlVisibilityTimeout = TimeSpan.FromSeconds(3);
    o.WorkItemVisibilityTimeout = TimeSpan.FromSeconds(3);

    // The test kills this process dozens of times; a message can be caught by several kills in a row,
    // which the poison rule (5 deliveries) would rightly treat as a message that crashes its worker.
    o.MaxDequeueCount = 1000;
});
services.AddDurableTasks(r => r
    .AddActivityFunc<int, long>("SlowSquare", async (_, x) =>
    {
        await Task.Delay(20);
        return (long)x * x;
    })
    .AddOrchestratorFunc<int, long>("FanOutThenNap", async (ctx, n) =>
    {
        long[] squares = await Task.WhenAll(Enumerable.Range(1, n).Select(i => ctx.CallActivityAsync<long>("SlowSquare", i)));
        await ctx.CreateTimer(TimeSpan.FromSeconds(1), CancellationToken.None);
        return squares.Sum();
    }));

await using ServiceProvider provider = services.BuildServiceProvider();
DurableTaskWorker worker = provider.GetRequiredService<DurableTaskWorker>();
await worker.StartAsync(CancellationToken.None);
Console.Out.WriteLine("worker started");
Console.Out.Flush();

// Exit when the test closes stdin (a graceful stop); SIGKILL needs no cooperation.
await Console.In.ReadToEndAsync();
await worker.StopAsync(CancellationToken.None);
