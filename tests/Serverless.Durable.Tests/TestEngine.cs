using Microsoft.Extensions.DependencyInjection;
using Serverless.Durable.Client;
using Serverless.Durable.Hosting;
using Serverless.Durable.Worker;
using Serverless.Storage.Connection;
using Serverless.Testing;

namespace Serverless.Durable.Tests;

/// <summary>A worker and client on their own task hub in the test Azurite.</summary>
internal sealed class TestEngine : IAsyncDisposable
{
    private readonly ServiceProvider services;

    private TestEngine(ServiceProvider services, string taskHub)
    {
        this.services = services;
        this.TaskHub = taskHub;
        this.Client = services.GetRequiredService<DurableTaskClient>();
        this.Worker = services.GetRequiredService<DurableTaskWorker>();
    }

    public string TaskHub { get; }

    public DurableTaskClient Client { get; }

    public DurableTaskWorker Worker { get; }

    public static async Task<TestEngine> StartAsync(
        AzuriteFixture azurite,
        Action<DurableTaskRegistry> tasks,
        Action<DurableEngineOptions>? configure = null,
        string? taskHub = null,
        StorageAccount? account = null,
        bool start = true)
    {
        taskHub ??= AzuriteFixture.UniqueName("hub");
        var collection = new ServiceCollection();
        collection.AddSingleton(account ?? azurite.CreateAccount());
        collection.AddDurableEngine(o =>
        {
            o.TaskHub = taskHub;
            o.MaxPollingInterval = TimeSpan.FromMilliseconds(500);
            configure?.Invoke(o);
        });
        collection.AddDurableTasks(tasks);
        ServiceProvider provider = collection.BuildServiceProvider();
        var engine = new TestEngine(provider, taskHub);
        if (start)
        {
            await engine.Worker.StartAsync(CancellationToken.None);
        }
        else
        {
            await engine.Client.CreateTaskHubIfNotExistsAsync();
        }

        return engine;
    }

    public async Task<OrchestrationMetadata> RunAsync(string name, object? input = null, TimeSpan? timeout = null, string? instanceId = null)
    {
        string id = await this.Client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions(instanceId));
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        return await this.Client.WaitForInstanceCompletionAsync(id, true, cts.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await this.Worker.DisposeAsync();
        await this.services.DisposeAsync();
    }
}
