using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Cli.Tests.Support;

/// <summary>
/// A fake of the host's HTTP API on a loopback port: answers each <c>METHOD path</c> with scripted responses (the last
/// one repeats), checks the API key as the host does, and records every request.
/// </summary>
public sealed class FakeHost : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(int Status, string Json)>> responses = new(StringComparer.Ordinal);

    private FakeHost(WebApplication app, string? key)
    {
        this.app = app;
        this.Key = key;
        app.Run(this.HandleAsync);
    }

    /// <summary>Gets the key the fake requires, or null for none.</summary>
    public string? Key { get; }

    /// <summary>Gets the address, for example <c>http://127.0.0.1:49152</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>Gets the requests received, in order.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Starts a fake host.</summary>
    /// <param name="key">The key it requires, or null.</param>
    /// <param name="url">The address to listen on; a free loopback port by default.</param>
    /// <returns>The started host.</returns>
    public static async Task<FakeHost> StartAsync(string? key = "test-key", string url = "http://127.0.0.1:0")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.ClearProviders();
        var host = new FakeHost(builder.Build(), key);
        await host.app.StartAsync();
        host.Address = new Uri(host.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return host;
    }

    /// <summary>Scripts the answers to a route: one per request, the last one repeated.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path without query, for example <c>/api/dags</c>.</param>
    /// <param name="answers">The status and JSON body of each answer.</param>
    public void Respond(string method, string path, params (int Status, string Json)[] answers) =>
        this.responses[$"{method} {path}"] = new ConcurrentQueue<(int, string)>(answers);

    /// <summary>Gets the requests to one route.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path without query.</param>
    /// <returns>The requests.</returns>
    public IReadOnlyList<RecordedRequest> RequestsTo(string method, string path) =>
        this.Requests.Where(r => r.Method == method && r.PathAndQuery.Split('?')[0] == path).ToList();

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await this.app.StopAsync();
        await this.app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        var key = context.Request.Headers["x-functions-key"].FirstOrDefault();
        this.Requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path + context.Request.QueryString, body, key));
        if (this.Key is not null && key != this.Key)
        {
            await Write(context, 401, """{"title":"Unauthorized","status":401,"detail":"A valid API key is required."}""");
            return;
        }

        if (!this.responses.TryGetValue($"{context.Request.Method} {context.Request.Path}", out var queue) || queue.IsEmpty)
        {
            await Write(context, 404, $$"""{"title":"Not Found","status":404,"detail":"The fake has no answer for {{context.Request.Method}} {{context.Request.Path}}."}""");
            return;
        }

        var (status, json) = queue.Count > 1 && queue.TryDequeue(out var next) ? next : queue.First();
        await Write(context, status, json);
    }

    private static async Task Write(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = status >= 400 ? "application/problem+json" : "application/json";
        await context.Response.WriteAsync(json, context.RequestAborted);
    }
}
