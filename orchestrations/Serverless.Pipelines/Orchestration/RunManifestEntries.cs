using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Runs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// One task instance's entry in the run manifest (<c>_manifest.json</c>), in one place: the run builds them while it
/// is small, and <see cref="WriteRunManifest"/> builds them from the run's task store when the run is too large to pass
/// every record to it.
/// </summary>
internal static class RunManifestEntries
{
    /// <summary>Builds an instance's entry.</summary>
    /// <param name="record">The record.</param>
    /// <param name="kind">The task's kind (wire name).</param>
    /// <param name="definitionHash">The task's definition hash.</param>
    /// <param name="sizes">Sizes measured so far, by location; a location without one is measured by the manifest writer.</param>
    /// <returns>The entry.</returns>
    public static JsonObject Of(TaskInstanceRecord record, string kind, string? definitionHash, IReadOnlyDictionary<string, DataSize> sizes)
    {
        var entry = new JsonObject
        {
            ["taskId"] = record.TaskId,
            ["kind"] = kind,
            ["state"] = WireNames.Of(record.State),
            ["attempts"] = record.Attempts,
            ["definitionHash"] = definitionHash,
        };
        if (record.MapIndex is { } index)
        {
            entry["mapIndex"] = index;
        }

        if (record.StartedAt is { } started)
        {
            entry["startedAt"] = Format(started);
        }

        if (record.EndedAt is { } ended)
        {
            entry["endedAt"] = Format(ended);
            if (record.StartedAt is { } begun)
            {
                entry["durationMs"] = (long)(ended - begun).TotalMilliseconds;
            }
        }

        if (record.AttemptStarts is { Count: > 0 } starts)
        {
            entry["attemptStarts"] = new JsonArray([.. starts.Select(s => (JsonNode)Format(s))]);
        }

        if (record.JobId is not null)
        {
            entry["jobId"] = record.JobId;
            entry["backend"] = record.Backend;
        }

        if (record.Reused)
        {
            entry["reused"] = true;
        }

        if (record.Error is not null)
        {
            entry["error"] = record.Error;
        }

        if (record.RowsWritten is { } rows)
        {
            entry["rowsWritten"] = rows;
        }

        if (record.Values is { Count: > 0 } values)
        {
            entry["values"] = new JsonObject([.. values.Select(v => KeyValuePair.Create(v.Key, v.Value?.DeepClone()))]);
        }

        if (record.Followed is { } followed)
        {
            entry["followed"] = new JsonArray([.. followed.Select(f => (JsonNode)f)]);
        }

        if (record.State == TaskInstanceState.Success)
        {
            entry["inputs"] = Locations(sizes, record.Inputs);
            entry["outputs"] = Locations(sizes, record.Outputs);
            if (record.Outputs is { Count: 1 } && record.RowsWritten is { } outputRows && entry["outputs"] is JsonObject single)
            {
                ((JsonObject)single.First().Value!)["rows"] = outputRows;
            }
        }

        return entry;
    }

    private static string Format(DateTime time) => time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JsonObject Locations(IReadOnlyDictionary<string, DataSize> sizes, Dictionary<string, string>? locations)
    {
        var json = new JsonObject();
        foreach (var (name, location) in locations ?? [])
        {
            var entry = new JsonObject { ["location"] = location };
            if (sizes.TryGetValue(location, out var size))
            {
                entry["bytes"] = size.Bytes;
                entry["files"] = size.Files;
            }

            json[name] = entry;
        }

        return json;
    }
}
