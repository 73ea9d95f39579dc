using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Durable;

/// <summary>Serializes inputs, outputs, event payloads and custom status as JSON (System.Text.Json, web defaults).</summary>
public sealed class DataConverter
{
    /// <summary>Gets the shared default converter.</summary>
    public static DataConverter Default { get; } = new();

    /// <summary>Gets the serializer options.</summary>
    public JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Serializes a value; null stays null.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The JSON text.</returns>
    public string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, value.GetType(), this.Options);

    /// <summary>Deserializes JSON to <paramref name="type"/>; null or empty text gives null.</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="type">The target type.</param>
    /// <returns>The value.</returns>
    public object? Deserialize(string? json, Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, type, this.Options);
    }

    /// <summary>Deserializes JSON to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The target type.</typeparam>
    /// <param name="json">The JSON text.</param>
    /// <returns>The value, or default for null text.</returns>
    public T? Deserialize<T>(string? json) =>
        string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, this.Options);
}
