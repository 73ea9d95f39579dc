using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Cli.Http;

/// <summary>Calls a host's HTTP API with the key; problem responses become <see cref="CliException"/>s with the server's message.</summary>
public sealed class ApiClient : IDisposable
{
    /// <summary>The header the host reads the API key from (the Functions host's function key header).</summary>
    public const string KeyHeaderName = "x-functions-key";

    private readonly HttpClient http;

    /// <summary>Initializes a new instance of the <see cref="ApiClient"/> class.</summary>
    /// <param name="baseAddress">For example <c>http://127.0.0.1:7071</c>.</param>
    /// <param name="key">The API key, or null.</param>
    public ApiClient(Uri baseAddress, string? key)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        this.BaseAddress = baseAddress;
        this.http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };
        if (!string.IsNullOrEmpty(key))
        {
            this.http.DefaultRequestHeaders.Add(KeyHeaderName, key);
        }
    }

    /// <summary>Gets the host's address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>Sends a request and returns the JSON body and status.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path and query, relative to the host (for example <c>api/dags</c>).</param>
    /// <param name="body">A JSON body, a text body, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status and body.</returns>
    /// <exception cref="CliException">The server refused the request.</exception>
    public async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, object? body = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Content = body switch
        {
            null => null,
            string plain => new StringContent(plain, Encoding.UTF8, "text/plain"),
            _ => JsonContent.Create(body),
        };
        using var response = await this.http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        JsonNode? json = null;
        if (!string.IsNullOrWhiteSpace(text))
        {
            try
            {
                json = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // A proxy or a crashed host may answer with plain text; keep it as the message.
                json = JsonValue.Create(text);
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new CliException(Describe(response, json, text), json);
        }

        return (response.StatusCode, json);
    }

    /// <summary>Sends a GET and returns the body as text (a task log).</summary>
    /// <param name="path">The path and query, relative to the host.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The text.</returns>
    /// <exception cref="CliException">The server refused the request.</exception>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await this.http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            JsonNode? json = null;
            try
            {
                json = string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                json = JsonValue.Create(text);
            }

            throw new CliException(Describe(response, json, text), json);
        }

        return text;
    }

    /// <inheritdoc/>
    public void Dispose() => this.http.Dispose();

    private static string Describe(HttpResponseMessage response, JsonNode? json, string text)
    {
        var problem = json as JsonObject;
        var detail = problem?["detail"]?.ToString() ?? text;
        var problems = problem?["problems"] is JsonArray list
            ? "\n  " + string.Join("\n  ", list.Select(p => p is JsonObject o && o["message"] is not null ? $"{o["file"]}:{o["line"]}:{o["column"]} {o["path"]}: {o["message"]}" : p?.ToString()))
            : string.Empty;
        return $"{(int)response.StatusCode} {problem?["title"]?.ToString() ?? response.ReasonPhrase}: {detail}{problems}";
    }
}
