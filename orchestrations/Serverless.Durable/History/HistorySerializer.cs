using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Durable.History;

/// <summary>The JSON format of history events as stored (stable property names, enums as strings).</summary>
internal static class HistorySerializer
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static string Serialize(IReadOnlyList<HistoryEvent> events) => JsonSerializer.Serialize(events, Options);

    public static List<HistoryEvent> DeserializeList(string json) =>
        JsonSerializer.Deserialize<List<HistoryEvent>>(json, Options) ?? [];

    public static string Serialize(HistoryEvent historyEvent) => JsonSerializer.Serialize(historyEvent, Options);

    public static HistoryEvent Deserialize(string json) =>
        JsonSerializer.Deserialize<HistoryEvent>(json, Options) ?? throw new InvalidDataException("Empty history event.");

    public static string SerializeValue<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T? DeserializeValue<T>(string json) => JsonSerializer.Deserialize<T>(json, Options);
}
