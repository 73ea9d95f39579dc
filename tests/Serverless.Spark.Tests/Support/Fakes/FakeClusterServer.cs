using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Serverless.Spark.Tests.Support.Fakes;

/// <summary>
/// A Kestrel app on 127.0.0.1 and a free port, answering with a test-supplied handler (one of the contract fakes next to
/// it) and recording every request. Faults queued in <see cref="Faults"/> are served before the handler runs.
/// </summary>
internal sealed class FakeClusterServer : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeClusterServer(WebApplication app, Uri baseUri)
    {
        this.app = app;
        this.BaseUri = baseUri;
    }

    public Uri BaseUri { get; }

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Gets faults served before the handler, in order, for requests matching their method and path prefix.</summary>
    public ConcurrentQueue<(string Method, string PathPrefix, FakeResponse Response)> Faults { get; } = new();

    public static async Task<FakeClusterServer> StartAsync(Func<RecordedRequest, FakeResponse> handler)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        WebApplication app = builder.Build();
        FakeClusterServer? server = null;
        app.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            string body = await reader.ReadToEndAsync();
            var request = new RecordedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? string.Empty,
                context.Request.QueryString.Value ?? string.Empty,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body,
                DateTimeOffset.UtcNow);
            server!.Requests.Enqueue(request);
            FakeResponse response = server.NextFault(request) ?? handler(request);
            if (response.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(response.Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            context.Response.StatusCode = response.Status;
            foreach ((string name, string value) in response.Headers ?? new Dictionary<string, string>())
            {
                context.Response.Headers[name] = value;
            }

            if (response.Body is not null)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(response.Body.ToJsonString());
            }
        });
        await app.StartAsync();
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeClusterServer(app, new Uri(address));
        return server;
    }

    public IReadOnlyList<RecordedRequest> Matching(string method, string pathPrefix) =>
        [.. this.Requests.Where(r => r.Method == method && r.Path.StartsWith(pathPrefix, StringComparison.Ordinal))];

    public async ValueTask DisposeAsync()
    {
        await this.app.StopAsync();
        await this.app.DisposeAsync();
    }

    private FakeResponse? NextFault(RecordedRequest request)
    {
        if (this.Faults.TryPeek(out var fault) && fault.Method == request.Method && request.Path.StartsWith(fault.PathPrefix, StringComparison.Ordinal) &&
            this.Faults.TryDequeue(out fault))
        {
            return fault.Response;
        }

        return null;
    }
}
