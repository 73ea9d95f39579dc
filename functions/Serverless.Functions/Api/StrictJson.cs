using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Functions.Api;

/// <summary>
/// Reads JSON request bodies strictly: a member given twice in any object, at any depth (<c>runId</c>, a name in
/// <c>params</c>, <c>tasks</c> of a rerun), is a 400 naming it, and so is nesting past
/// <see cref="RequestLimits.MaxJsonDepth"/>. System.Text.Json's DOM keeps one of two duplicates silently or throws
/// later when the object is read, so the token stream is checked first and the DOM built only from a body that passed.
/// </summary>
public static class StrictJson
{
    /// <summary>The problem title of a duplicate member.</summary>
    public const string DuplicateMemberTitle = "Duplicate member";

    /// <summary>The problem title of a body that is not JSON or nests too deeply.</summary>
    public const string MalformedTitle = "Malformed JSON";

    /// <summary>Parses a JSON text into a node.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The node; <see langword="null"/> for the JSON <c>null</c>.</returns>
    /// <exception cref="ApiProblemException">400: the text is not JSON, has a duplicate member or nests too deeply.</exception>
    public static JsonNode? ParseNode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var utf8 = Encoding.UTF8.GetBytes(text);
        Check(utf8);
        return JsonNode.Parse(utf8, documentOptions: DocumentOptions);
    }

    /// <summary>Parses a JSON text into a document.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The document; the caller disposes it.</returns>
    /// <exception cref="ApiProblemException">400: the text is not JSON, has a duplicate member or nests too deeply.</exception>
    public static JsonDocument ParseDocument(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var utf8 = Encoding.UTF8.GetBytes(text);
        Check(utf8);
        return JsonDocument.Parse(utf8, DocumentOptions);
    }

    /// <summary>Checks a UTF-8 JSON text: well-formed, no member twice in one object, at most <see cref="RequestLimits.MaxJsonDepth"/> deep.</summary>
    /// <param name="utf8">The text.</param>
    /// <exception cref="ApiProblemException">400 naming the duplicate member (extension <c>member</c>, its path), the depth limit or the syntax error.</exception>
    public static void Check(ReadOnlySpan<byte> utf8)
    {
        // One level more than the limit, so the loop sees the offending token and names the limit itself.
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = RequestLimits.MaxJsonDepth + 1 });
        var open = new List<Scope>();
        string? member = null;
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        var scope = open[^1];
                        member = reader.GetString()!;
                        if (!scope.Members!.Add(member))
                        {
                            var path = Member(scope.Path, member);
                            throw new ApiProblemException(
                                StatusCodes.Status400BadRequest,
                                DuplicateMemberTitle,
                                $"The member '{path}' is given more than once; give each member once.",
                                new Dictionary<string, object?> { ["member"] = path });
                        }

                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (reader.CurrentDepth + 1 > RequestLimits.MaxJsonDepth)
                        {
                            throw new ApiProblemException(
                                StatusCodes.Status400BadRequest,
                                MalformedTitle,
                                string.Create(CultureInfo.InvariantCulture, $"The request body nests deeper than {RequestLimits.MaxJsonDepth} levels (limit {nameof(RequestLimits)}.{nameof(RequestLimits.MaxJsonDepth)})."));
                        }

                        var childPath = ChildPath(open, member);
                        open.Add(new Scope(childPath, reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.RemoveAt(open.Count - 1);
                        break;
                    default:
                        ChildPath(open, member);
                        break;
                }
            }
        }
        catch (JsonException e)
        {
            throw new ApiProblemException(StatusCodes.Status400BadRequest, MalformedTitle, $"The request body is not valid JSON: {e.Message}");
        }
    }

    private static JsonDocumentOptions DocumentOptions => new() { MaxDepth = RequestLimits.MaxJsonDepth + 1 };

    // The path of the value being read: a member of the innermost object, or the next item of the innermost array.
    private static string ChildPath(List<Scope> open, string? member)
    {
        if (open.Count == 0)
        {
            return string.Empty;
        }

        var scope = open[^1];
        if (scope.Members is not null)
        {
            return Member(scope.Path, member ?? string.Empty);
        }

        return string.Create(CultureInfo.InvariantCulture, $"{scope.Path}[{scope.NextIndex++}]");
    }

    private static string Member(string path, string name) => path.Length == 0 ? name : path + "." + name;

    /// <summary>An open object (with the member names seen so far) or array (with the index of its next item).</summary>
    private sealed class Scope(string path, HashSet<string>? members)
    {
        public string Path { get; } = path;

        public HashSet<string>? Members { get; } = members;

        public int NextIndex { get; set; }
    }
}
