using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Serverless.Spark.Http;

/// <summary>JSON over HTTP for the cluster backends: authentication per request, errors with redacted bodies.</summary>
internal sealed class SparkRestClient
{
    private readonly HttpClient http;
    private readonly Func<HttpRequestMessage, CancellationToken, ValueTask> authenticate;
    private readonly SecretRedactor redactor;
    private readonly string service;

    /// <summary>Initializes a new instance of the <see cref="SparkRestClient"/> class.</summary>
    /// <param name="http">The client from the factory (with the resilience pipeline).</param>
    /// <param name="service">The service name, for messages.</param>
    /// <param name="authenticate">Adds authentication headers to a request.</param>
    /// <param name="redactor">Removes secrets from error text.</param>
    public SparkRestClient(HttpClient http, string service, Func<HttpRequestMessage, CancellationToken, ValueTask> authenticate, SecretRedactor redactor)
    {
        this.http = http;
        this.service = service;
        this.authenticate = authenticate;
        this.redactor = redactor;
    }

    /// <summary>Sends a request and reads the JSON answer; 404 gives null; other errors throw.</summary>
    /// <param name="method">The method.</param>
    /// <param name="uri">The absolute URI.</param>
    /// <param name="body">The JSON body, if any.</param>
    /// <param name="retryAnyTransient">Whether retrying on 5xx and network errors is safe for this request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The JSON answer (an empty object for an empty body), or null on 404.</returns>
    /// <exception cref="SparkBackendException">The service answered with an error.</exception>
    public async Task<JsonNode?> SendAsync(HttpMethod method, Uri uri, JsonNode? body, bool retryAnyTransient, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        request.Options.Set(SparkHttpResilience.RetryAnyTransient, retryAnyTransient);
        await this.authenticate(request, cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response;
        try
        {
            response = await this.http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new SparkBackendException($"{this.service}: {method} {uri.AbsolutePath} failed: {this.redactor.Redact(e.Message)}");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                string shortened = text.Length > 500 ? text[..500] + "…" : text;
                throw new SparkBackendException(
                    $"{this.service}: {method} {uri.AbsolutePath} answered {(int)response.StatusCode} {response.ReasonPhrase}: {this.redactor.Redact(shortened)}",
                    response.StatusCode);
            }

            return string.IsNullOrWhiteSpace(text) ? new JsonObject() : JsonNode.Parse(text);
        }
    }
}
