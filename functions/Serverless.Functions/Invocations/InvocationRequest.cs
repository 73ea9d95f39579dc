using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Serverless.Functions.Invocations;

/// <summary>
/// The body the Functions host POSTs to <c>/{FunctionName}</c> for a non-HTTP trigger:
/// <c>{ "Data": { "&lt;binding&gt;": value }, "Metadata": { "DequeueCount": …, … } }</c>.
/// </summary>
/// <param name="Data">The trigger and input binding values.</param>
/// <param name="Metadata">The trigger metadata.</param>
public sealed record InvocationRequest(JsonObject Data, JsonObject Metadata)
{
    /// <summary>Parses a request body.</summary>
    /// <param name="text">The body.</param>
    /// <returns>The request.</returns>
    /// <exception cref="InvalidDataException">The body is not an invocation request.</exception>
    public static InvocationRequest Parse(string text)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The invocation body is not JSON: {e.Message}", e);
        }

        if (node is not JsonObject body)
        {
            throw new InvalidDataException("The invocation body must be a JSON object with Data and Metadata.");
        }

        return new InvocationRequest(Member(body, "Data") as JsonObject ?? [], Member(body, "Metadata") as JsonObject ?? []);
    }

    /// <summary>
    /// Gets the queue message text of the trigger binding. The host hands a JSON message either as the parsed object or
    /// as a string; both are turned back into the text the engine reads.
    /// </summary>
    /// <param name="bindingName">The binding name; the only Data member is used when it is missing.</param>
    /// <returns>The message text.</returns>
    /// <exception cref="InvalidDataException">There is no message.</exception>
    public string QueueMessageText(string bindingName)
    {
        var value = Member(this.Data, bindingName) ?? (this.Data.Count == 1 ? this.Data.First().Value : null)
            ?? throw new InvalidDataException($"The invocation has no queue message in Data.{bindingName}.");
        return value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString();
    }

    /// <summary>Gets the dequeue count from the metadata (a number or a numeric string); 1 when absent.</summary>
    /// <returns>The dequeue count.</returns>
    public long DequeueCount()
    {
        var value = Member(this.Metadata, "DequeueCount");
        return value?.GetValueKind() switch
        {
            JsonValueKind.Number => value.GetValue<long>(),
            JsonValueKind.String when long.TryParse(value.GetValue<string>(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
            _ => 1,
        };
    }

    private static JsonNode? Member(JsonObject obj, string name)
    {
        foreach (var (key, value) in obj)
        {
            // The host's JSON casing differs between versions (Data/data); accept either.
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }
}
