using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Pipelines.Runs.Tasks;

namespace Serverless.Pipelines.Orchestration;

/// <summary>How a <see cref="TaskInstanceRecord"/> is kept in <see cref="RunTaskStore"/>: written by the run, read by GET run.</summary>
internal static class TaskRecordJson
{
    private const int MaxError = 2_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    /// <summary>Serializes a record to at most <see cref="RunTaskStore.MaxJson"/> characters: a longer error is cut and large values left out (the manifest and the run's output keep them whole).</summary>
    /// <param name="record">The record.</param>
    /// <returns>The JSON.</returns>
    public static string Serialize(TaskInstanceRecord record)
    {
        var json = JsonSerializer.Serialize(record, Json);
        if (json.Length <= RunTaskStore.MaxJson)
        {
            return json;
        }

        var cut = record with { Error = record.Error is { Length: > MaxError } error ? error[..MaxError] : record.Error, Values = null };
        json = JsonSerializer.Serialize(cut, Json);
        return json.Length <= RunTaskStore.MaxJson ? json : JsonSerializer.Serialize(cut with { Outputs = null, Followed = null }, Json);
    }

    /// <summary>Reads a run's stored records, leaving out a mapped task's placeholder (map index none) once its instances exist.</summary>
    /// <param name="rows">The stored JSON, in task-list order.</param>
    /// <returns>The records.</returns>
    public static List<TaskInstanceRecord> DeserializeAll(IEnumerable<string> rows)
    {
        var records = rows.Select(Deserialize).OfType<TaskInstanceRecord>().ToList();
        var mapped = records.Where(r => r.MapIndex is not null).Select(r => r.TaskId).ToHashSet(StringComparer.Ordinal);
        records.RemoveAll(r => r.MapIndex is null && mapped.Contains(r.TaskId));
        return records;
    }

    /// <summary>Reads a record; null for JSON that is not one.</summary>
    /// <param name="json">The JSON.</param>
    /// <returns>The record.</returns>
    public static TaskInstanceRecord? Deserialize(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<TaskInstanceRecord>(json, Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
