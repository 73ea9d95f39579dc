using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Testing;

/// <summary>
/// A webhook endpoint for notification tests: an <see cref="HttpListener"/> on a free loopback port that records
/// every request and answers with the status <see cref="Respond"/> returns (which may wait, to hold a request open).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener listener = new();
    private readonly ConcurrentQueue<ReceivedWebhook> received = new();
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private int count;

    /// <summary>Initializes a new instance of the <see cref="WebhookReceiver"/> class and starts listening.</summary>
    public WebhookReceiver()
    {
        var port = LocalHostProcess.FreePort();
        this.BaseUrl = new Uri($"http://127.0.0.1:{port}/");
        this.listener.Prefixes.Add(this.BaseUrl.ToString());
        this.listener.Start();
        this.loop = Task.Run(this.ListenAsync);
    }

    /// <summary>Gets the listener's address; any path under it is accepted.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Gets or sets the answer to a request: from the request and its 1-based number, the status to send. The default is 200.</summary>
    public Func<ReceivedWebhook, int, Task<int>> Respond { get; set; } = (_, _) => Task.FromResult(200);

    /// <summary>Gets the requests received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedWebhook> Received => [.. this.received];

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await this.stop.CancelAsync();
        this.listener.Stop();
        this.listener.Close();
        try
        {
            await this.loop;
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or OperationCanceledException)
        {
            // Stopping the listener ends the pending GetContextAsync this way.
        }

        this.stop.Dispose();
    }

    private async Task ListenAsync()
    {
        while (!this.stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await this.listener.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            // Each request on its own, so one held open does not block the next.
            _ = Task.Run(() => this.HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync();
            var request = new ReceivedWebhook(
                context.Request.Url!.AbsolutePath,
                context.Request.Url.Query,
                context.Request.Headers["X-Serverless-Event-Id"],
                context.Request.ContentType,
                text.Length > 0 ? JsonNode.Parse(text) : null,
                DateTime.UtcNow);
            this.received.Enqueue(request);
            var status = await this.Respond(request, Interlocked.Increment(ref this.count));
            context.Response.StatusCode = status;
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(status == 200 ? "ok" : "receiver says no"));
            context.Response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or IOException or InvalidOperationException)
        {
            // The sender gave up (a killed host): nothing to answer.
        }
    }
}

/// <summary>One request a <see cref="WebhookReceiver"/> received.</summary>
/// <param name="Path">The URL path.</param>
/// <param name="Query">The query string, with its '?'.</param>
/// <param name="EventId">The <c>X-Serverless-Event-Id</c> header.</param>
/// <param name="ContentType">The content type.</param>
/// <param name="Body">The JSON body.</param>
/// <param name="At">When it arrived.</param>
public sealed record ReceivedWebhook(string Path, string Query, string? EventId, string? ContentType, JsonNode? Body, DateTime At);
