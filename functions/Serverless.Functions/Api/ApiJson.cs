using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Serverless.Functions.Api;

/// <summary>JSON conventions of the API: camelCase members, snake_case enum values (as DAG files spell them).</summary>
public static class ApiJson
{
    /// <summary>Gets the serializer options of every API response.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Reads the request body as a JSON object; an empty body is an empty object.</summary>
    /// <param name="request">The request.</param>
    /// <param name="allowed">The member names the body may have; others are refused, so typos do not pass silently.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The object.</returns>
    /// <exception cref="ApiProblemException">The body is not a JSON object or has unknown members.</exception>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, IReadOnlyCollection<string> allowed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(allowed);
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "Malformed JSON", $"The request body is not valid JSON: {e.Message}");
        }

        if (node is not JsonObject body)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, "Invalid request", "The request body must be a JSON object.");
        }

        var unknown = body.Select(p => p.Key).Where(k => !allowed.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new ApiProblemException(
                StatusCodes.Status400BadRequest,
                "Invalid request",
                $"Unknown member(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; the body may have {string.Join(", ", allowed.Select(a => $"'{a}'"))}.");
        }

        return body;
    }

    /// <summary>Reads an optional string member.</summary>
    /// <param name="body">The body.</param>
    /// <param name="name">The member.</param>
    /// <returns>The value or null.</returns>
    public static string? String(JsonObject body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        var node = body[name];
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() == JsonValueKind.String
            ? node.GetValue<string>()
            : throw new ApiProblemException($"'{name}' must be a string, not {Kind(node)}.");
    }

    /// <summary>Reads an optional date-time member (ISO 8601).</summary>
    /// <param name="body">The body.</param>
    /// <param name="name">The member.</param>
    /// <returns>The value or null.</returns>
    public static DateTimeOffset? Date(JsonObject body, string name) => ParseDate(String(body, name), name);

    /// <summary>Parses an optional ISO 8601 date-time.</summary>
    /// <param name="text">The text.</param>
    /// <param name="name">The member or parameter name for the message.</param>
    /// <returns>The value or null.</returns>
    public static DateTimeOffset? ParseDate(string? text, string name)
    {
        if (text is null)
        {
            return null;
        }

        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var value)
            ? value.ToUniversalTime()
            : throw new ApiProblemException($"'{name}' must be an ISO 8601 date-time such as 2024-01-31T00:00:00Z, not '{text}'.");
    }

    /// <summary>Reads an optional integer member.</summary>
    /// <param name="body">The body.</param>
    /// <param name="name">The member.</param>
    /// <returns>The value or null.</returns>
    public static int? Int(JsonObject body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        var node = body[name];
        if (node is null)
        {
            return null;
        }

        return node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var value)
            ? value
            : throw new ApiProblemException($"'{name}' must be an integer, not {Kind(node)}.");
    }

    /// <summary>Reads an optional Boolean member.</summary>
    /// <param name="body">The body.</param>
    /// <param name="name">The member.</param>
    /// <returns>The value or null.</returns>
    public static bool? Bool(JsonObject body, string name)
    {
        ArgumentNullException.ThrowIfNull(body);
        var node = body[name];
        return node is null
            ? null
            : node.GetValueKind() switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw new ApiProblemException($"'{name}' must be true or false, not {Kind(node)}."),
            };
    }

    /// <summary>Describes a node's kind for messages.</summary>
    /// <param name="node">The node.</param>
    /// <returns>"a string", "an object", …</returns>
    public static string Kind(JsonNode? node) => node?.GetValueKind() switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.True or JsonValueKind.False => "a Boolean",
        _ => "null",
    };

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
