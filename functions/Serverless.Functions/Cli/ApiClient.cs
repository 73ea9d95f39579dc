using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Serverless.Functions.Cli;

/// <summary>Calls a host's HTTP API with the key; problem responses become <see cref="CliException"/>s with the server's message.</summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient http;

    /// <summary>Initializes a new instance of the <see cref="ApiClient"/> class.</summary>
    /// <param name="baseAddress">For example <c>http://127.0.0.1:7071</c>.</param>
    /// <param name="key">The API key, or null.</param>
    public ApiClient(Uri baseAddress, string? key)
    {
        this.http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };
        if (!string.IsNullOrEmpty(key))
        {
            this.http.DefaultRequestHeaders.Add(Api.ApiKeyCheck.HeaderName, key);
        }
    }

    /// <summary>Sends a request and returns the JSON body and status.</summary>
    /// <param name="method">The method.</param>
    /// <param name="path">The path and query.</param>
    /// <param name="body">A JSON body, text body, or null.</param>
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
            catch (System.Text.Json.JsonException)
            {
                json = JsonValue.Create(text);
            }
        }

        if (!response.IsSuccessStatusCode)
        {
            var detail = json?["detail"]?.ToString() ?? text;
            var problems = json?["problems"] is JsonArray list ? "\n  " + string.Join("\n  ", list.Select(p => p is JsonObject o && o["message"] is not null ? $"{o["file"]}:{o["line"]}:{o["column"]} {o["path"]}: {o["message"]}" : p?.ToString())) : string.Empty;
            throw new CliException($"{(int)response.StatusCode} {json?["title"] ?? response.ReasonPhrase}: {detail}{problems}");
        }

        return (response.StatusCode, json);
    }

    /// <inheritdoc/>
    public void Dispose() => this.http.Dispose();
}
