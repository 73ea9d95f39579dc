using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Functions.Hosting;
using Serverless.Testing;

namespace Serverless.Functions.Tests.Support;

/// <summary>The real app on 127.0.0.1 port 0 against the fixture's Azurite, with its own task hub.</summary>
internal sealed class TestHost : IAsyncDisposable
{
    public const string Key = "test-key-0123456789";

    private TestHost(WebApplication app, string taskHub)
    {
        this.App = app;
        this.TaskHub = taskHub;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        this.BaseAddress = new Uri(address);
        this.Client = new HttpClient { BaseAddress = this.BaseAddress };
        this.Client.DefaultRequestHeaders.Add("x-functions-key", Key);
        this.Anonymous = new HttpClient { BaseAddress = this.BaseAddress };
    }

    public WebApplication App { get; }

    public string TaskHub { get; }

    public Uri BaseAddress { get; }

    /// <summary>Gets a client that sends the key.</summary>
    public HttpClient Client { get; }

    /// <summary>Gets a client without a key.</summary>
    public HttpClient Anonymous { get; }

    public static async Task<TestHost> StartAsync(
        AzuriteFixture azurite,
        Action<IServiceCollection>? services = null,
        bool customHandler = false,
        IReadOnlyDictionary<string, string?>? extra = null)
    {
        var hub = AzuriteFixture.UniqueName("fn");
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [WebHostDefaults.ServerUrlsKey] = "http://127.0.0.1:0",
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Serverless:TaskHub"] = hub,
            ["Serverless:ApiKey"] = Key,
            ["Serverless:Scheduler"] = "off",
            ["Serverless:UploadSampleData"] = "false",
            ["Serverless:MaxPollingInterval"] = "00:00:00.500",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (customHandler)
        {
            settings[FunctionsApp.CustomHandlerPortVariable] = "0";
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var app = FunctionsApp.Build([], settings, services);
        await app.StartAsync();
        return new TestHost(app, hub);
    }

    public async ValueTask DisposeAsync()
    {
        this.Client.Dispose();
        this.Anonymous.Dispose();
        await this.App.StopAsync();
        await this.App.DisposeAsync();
    }
}
