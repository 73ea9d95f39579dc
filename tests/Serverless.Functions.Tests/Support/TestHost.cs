using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Serverless.LocalHost;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Support;

/// <summary>The real app on 127.0.0.1 port 0 against the fixture's Azurite, with its own task hub.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    public const string Key = "test-key-0123456789";

    private TestHost(LocalHostApp app, string taskHub)
    {
        this.App = app;
        this.TaskHub = taskHub;
        this.BaseAddress = app.BaseAddress;
        this.Client = new HttpClient { BaseAddress = this.BaseAddress };
        this.Client.DefaultRequestHeaders.Add("x-functions-key", Key);
        this.Anonymous = new HttpClient { BaseAddress = this.BaseAddress };
    }

    public LocalHostApp App { get; }

    public string TaskHub { get; }

    public Uri BaseAddress { get; }

    /// <summary>Gets a client that sends the key.</summary>
    public HttpClient Client { get; }

    /// <summary>Gets a client without a key.</summary>
    public HttpClient Anonymous { get; }

    public static async Task<TestHost> StartAsync(
        AzuriteFixture azurite,
        Action<IServiceCollection>? services = null,
        IReadOnlyDictionary<string, string?>? extra = null)
    {
        var hub = AzuriteFixture.UniqueName("fn");
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [WebHostDefaults.ServerUrlsKey] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Serverless:TaskHub"] = hub,
            ["Serverless:ApiKey"] = Key,
            ["Serverless:Scheduler"] = "false",
            ["Serverless:UploadSampleData"] = "false",
            ["Serverless:Durable:MaxQueuePollingInterval"] = "00:00:00.200",
            ["Serverless:Durable:PartitionCount"] = "1",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = await LocalHostApp.StartAsync([], settings, services);
        return new TestHost(app, hub);
    }

    public async ValueTask DisposeAsync()
    {
        this.Client.Dispose();
        this.Anonymous.Dispose();
        await this.App.DisposeAsync();
    }
}
