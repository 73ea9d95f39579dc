using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Spark.Jobs;

/// <summary>Gets the JSON settings of job specs and statuses: camelCase, enums as strings, nulls omitted.</summary>
public static class SparkJson
{
    /// <summary>Gets the serializer options.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
