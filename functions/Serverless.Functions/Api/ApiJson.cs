using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Serverless.Functions.Api;

/// <summary>JSON conventions of the API: camelCase members, snake_case enum values (as DAG files spell them).</summary>
public static partial class ApiJson
{
    /// <summary>Gets the serializer options of every API response.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>Reads the request body as a JSON object; an empty body is an empty object.</summary>
    /// <param name="request">The request.</param>
    /// <param name="allowed">The member names the body may have; others are refused, so typos do not pass silently.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The object.</returns>
    /// <exception cref="ApiProblemException">The body is not a JSON object, has unknown members, or a member given twice at any depth (<see cref="StrictJson"/>).</exception>
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

        // Strict: a duplicate member at any depth is a 400 naming it, not a 500 when the object is read.
        if (StrictJson.ParseNode(text) is not JsonObject body)
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

    /// <summary>Reads an optional date-time member (RFC 3339, within <see cref="RequestLimits.EarliestDate"/> and <see cref="RequestLimits.LatestDate"/>).</summary>
    /// <param name="body">The body.</param>
    /// <param name="name">The member.</param>
    /// <returns>The value or null.</returns>
    public static DateTimeOffset? Date(JsonObject body, string name) => ParseDate(String(body, name), name);

    /// <summary>Parses an optional date-time in the one accepted format, RFC 3339, within the accepted range.</summary>
    /// <param name="text">The text.</param>
    /// <param name="name">The member or parameter name for the message.</param>
    /// <returns>The value in UTC, or null.</returns>
    /// <remarks>
    /// Accepted: an RFC 3339 <c>date-time</c> (<c>2024-01-31T00:00:00Z</c>, <c>2024-01-31T01:00:00.5+01:00</c>; 'T' and 'Z'
    /// in either case; at most <see cref="RequestLimits.MaxFractionDigits"/> fractional digits) or an RFC 3339
    /// <c>full-date</c> (<c>2024-01-31</c>, meaning midnight UTC), from <see cref="RequestLimits.EarliestDate"/> to
    /// <see cref="RequestLimits.LatestDate"/>. Anything else is a 400; the range keeps schedule arithmetic away from the
    /// ends of <see cref="DateTimeOffset"/>, where it throws.
    /// </remarks>
    /// <exception cref="ApiProblemException">400: another format, an impossible date, or a date outside the range.</exception>
    public static DateTimeOffset? ParseDate(string? text, string name)
    {
        if (text is null)
        {
            return null;
        }

        if (!Rfc3339Regex().IsMatch(text)
            || !DateTimeOffset.TryParse(text.ToUpperInvariant(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            throw new ApiProblemException(
                $"'{name}' must be an RFC 3339 (ISO 8601) date-time with 'Z' or an offset, such as 2024-01-31T00:00:00Z, or a date such as 2024-01-31; not '{Shown(text)}'.");
        }

        return value >= RequestLimits.EarliestDate && value <= RequestLimits.LatestDate
            ? value
            : throw new ApiProblemException(string.Create(
                CultureInfo.InvariantCulture,
                $"'{name}' must be from {RequestLimits.EarliestDate:yyyy-MM-dd'T'HH:mm:ss'Z'} to {RequestLimits.LatestDate:yyyy-MM-dd'T'HH:mm:ss'Z'} (limits {nameof(RequestLimits)}.{nameof(RequestLimits.EarliestDate)} and {nameof(RequestLimits.LatestDate)}), not '{Shown(text)}'."));
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

    /// <summary>Reads an optional integer member that must lie in a range.</summary>
    /// <param name="body">The body.</param>
    /// <param name="name">The member.</param>
    /// <param name="min">The least value.</param>
    /// <param name="max">The greatest value.</param>
    /// <returns>The value or null.</returns>
    /// <exception cref="ApiProblemException">400: not a number without a fractional part from <paramref name="min"/> to <paramref name="max"/>.</exception>
    public static int? Int(JsonObject body, string name, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(body);
        var node = body[name];
        if (node is null)
        {
            return null;
        }

        // 1e20 and 9223372036854775808 are JSON numbers too; they are refused by range, not by a failed conversion.
        return node.GetValueKind() == JsonValueKind.Number && node.AsValue().TryGetValue<int>(out var value) && value >= min && value <= max
            ? value
            : throw new ApiProblemException(string.Create(CultureInfo.InvariantCulture, $"'{name}' must be an integer from {min} to {max}, not {Shown(node.ToJsonString())}."));
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

    // Echoed input is cut short: a refused value can be as long as the body.
    private static string Shown(string text) => text.Length > 60 ? text[..57] + "..." : text;

    // RFC 3339 section 5.6: full-date, or full-date "T" full-time with time-offset "Z" or +/-hh:mm; the 7 is
    // RequestLimits.MaxFractionDigits. \z, not $, which would let a trailing newline through.
    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?([Zz]|[+-][0-9]{2}:[0-9]{2}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339Regex();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
