using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Cli.Commands;

/// <summary>Parses <c>--param name=value</c> pairs into the <c>params</c> object of a trigger.</summary>
public static class RunParameters
{
    /// <summary>Parses the pairs; a value that is JSON (a number, true/false, an object, a quoted string) keeps its type, any other value is a string.</summary>
    /// <param name="pairs">The pairs.</param>
    /// <returns>The params object.</returns>
    /// <exception cref="FormatException">A pair has no name.</exception>
    public static JsonObject Parse(IEnumerable<string> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var result = new JsonObject();
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"--param '{pair}' must look like name=value.");
            }

            var value = pair[(eq + 1)..];
            JsonNode? node;
            try
            {
                node = JsonNode.Parse(value);
            }
            catch (JsonException)
            {
                node = JsonValue.Create(value);
            }

            result[pair[..eq]] = node;
        }

        return result;
    }
}
