using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Notifications;

/// <summary>
/// Durable activity: POSTs one event to one webhook in its target's shape, with the event id in the
/// <see cref="NotificationBodies.EventIdHeader"/> header and the body. Any answer but 2xx, a timeout or a network error
/// throws, so the orchestrator's retry policy tries again and, after the last attempt, dead-letters the event.
/// </summary>
/// <remarks>
/// Runs at least once: a host that dies mid-POST has the activity run again, so a receiver may see an event twice,
/// always with the same id. Redirects are not followed (a redirect could lead past the URL check).
/// </remarks>
public sealed class DeliverNotification : TaskActivity<NotificationDelivery, int>
{
    /// <summary>The name of the HTTP client the deliveries use.</summary>
    public const string HttpClientName = "Serverless.Notifications";

    private const int MaxAnswerChars = 200;
    private readonly IHttpClientFactory clients;
    private readonly NotificationOptions options;
    private readonly ILogger<DeliverNotification> logger;

    /// <summary>Initializes a new instance of the <see cref="DeliverNotification"/> class.</summary>
    /// <param name="clients">The HTTP client factory.</param>
    /// <param name="options">The notification settings (the named URLs).</param>
    /// <param name="logger">The logger.</param>
    public DeliverNotification(IHttpClientFactory clients, IOptions<NotificationOptions> options, ILogger<DeliverNotification> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        this.clients = clients;
        this.options = options.Value;
        this.logger = logger;
    }

    /// <inheritdoc/>
    public override async Task<int> RunAsync(TaskActivityContext context, NotificationDelivery input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var notification = input.Event;
        var target = input.Target;
        var described = target.Describe();
        var kind = WireNames.Of(notification.Kind);
        using var scope = this.logger.BeginScope(new Dictionary<string, object?>
        {
            ["RunId"] = notification.RunId,
            ["DagId"] = notification.DagId,
            ["TaskId"] = notification.TaskId,
            ["MapIndex"] = notification.MapIndex,
            ["Attempt"] = notification.Attempt,
            ["EventId"] = notification.Id,
        });
        try
        {
            var url = this.Resolve(target);
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent(NotificationBodies.Build(target.Shape, notification).ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation(NotificationBodies.EventIdHeader, notification.Id);
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Serverless", "1.0"));
            var client = this.clients.CreateClient(HttpClientName);
            client.Timeout = this.options.RequestTimeout;
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CancellationToken.None).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            if (status is < 200 or > 299)
            {
                var snippet = await ReadSnippetAsync(response.Content).ConfigureAwait(false);
                throw new NotificationDeliveryException(string.Create(CultureInfo.InvariantCulture, $"{described} answered HTTP {status} {response.ReasonPhrase}{(snippet.Length > 0 ? ": " + snippet : string.Empty)}"));
            }

            NotificationLogs.Delivered(this.logger, notification.Id, kind, notification.RunId, described, status);
            return status;
        }
        catch (HttpRequestException error)
        {
            // The handler's messages name host and port at most; the path and query, where webhook secrets live, stay out.
            throw this.Failed(notification, kind, described, $"{described} could not be reached: {error.HttpRequestError}: {error.Message}");
        }
        catch (TaskCanceledException)
        {
            throw this.Failed(notification, kind, described, string.Create(CultureInfo.InvariantCulture, $"{described} did not answer within {this.options.RequestTimeout.TotalSeconds:0.#} s"));
        }
        catch (NotificationDeliveryException error)
        {
            throw this.Failed(notification, kind, described, error.Message);
        }
    }

    /// <summary>Reads the start of an error answer for the message; never the whole of a body an endpoint may make as large as it likes.</summary>
    private static async Task<string> ReadSnippetAsync(HttpContent content)
    {
        var buffer = new byte[MaxAnswerChars * 4];
        var stream = await content.ReadAsStreamAsync(CancellationToken.None).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var read = 0;
            int got;
            while (read < buffer.Length && (got = await stream.ReadAsync(buffer.AsMemory(read), CancellationToken.None).ConfigureAwait(false)) > 0)
            {
                read += got;
            }

            var text = Encoding.UTF8.GetString(buffer, 0, read).Trim();
            return text.Length > MaxAnswerChars || read == buffer.Length ? text[..Math.Min(text.Length, MaxAnswerChars)] + "…" : text;
        }
    }

    private Uri Resolve(NotificationTarget target)
    {
        string? text = target.Url;
        if (target.Setting is { } setting && !this.options.Urls.TryGetValue(setting, out text))
        {
            throw new NotificationDeliveryException($"setting Serverless__Notifications__{setting}__Url is not set");
        }

        // Checked again here: a URL from a setting has not been through DAG validation.
        return NotificationTarget.UrlProblem(text, out var url) is { } problem
            ? throw new NotificationDeliveryException($"{target.Describe()}: {problem}")
            : url!;
    }

    private NotificationDeliveryException Failed(NotificationEvent notification, string kind, string described, string reason)
    {
        NotificationLogs.NotDelivered(this.logger, notification.Id, kind, notification.RunId, described, reason);
        return new NotificationDeliveryException(reason);
    }
}
