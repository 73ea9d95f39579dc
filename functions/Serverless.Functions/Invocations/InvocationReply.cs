using System.Text.Json.Serialization;

namespace Serverless.Functions.Invocations;

/// <summary>The custom handler's response to a non-HTTP invocation: <c>{ "Outputs": {}, "Logs": [], "ReturnValue": null }</c>.</summary>
/// <param name="Logs">Lines the host writes to the function's log.</param>
public sealed record InvocationReply([property: JsonPropertyName("Logs")] IReadOnlyList<string> Logs)
{
    /// <summary>Gets the output bindings (none of these functions has any).</summary>
    [JsonPropertyName("Outputs")]
    public IReadOnlyDictionary<string, object?> Outputs { get; } = new Dictionary<string, object?>();

    /// <summary>Gets the return value (always null).</summary>
    [JsonPropertyName("ReturnValue")]
    public object? ReturnValue => null;
}
