using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Loading;

/// <summary>
/// Writes any DAG — built in C# or loaded from a file — as a JSON DAG file that <see cref="DagFileLoader"/> loads
/// back to an equal model. Fields at their defaults and empty lists are left out; everything else is written.
/// </summary>
public static class DagJsonExporter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,

        // SQL is full of quotes and '<'; the file is data, not HTML, so keep it readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Exports a DAG as JSON.</summary>
    /// <param name="dag">The DAG.</param>
    /// <returns>The JSON text.</returns>
    public static string Export(DagDefinition dag)
    {
        ArgumentNullException.ThrowIfNull(dag);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Options))
        {
            Write(writer, dag);
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void Write(Utf8JsonWriter w, DagDefinition dag)
    {
        w.WriteStartObject();
        w.WriteString("id", dag.Id);
        Text(w, "description", dag.Description);
        Text(w, "schedule", dag.Schedule);
        if (!string.Equals(dag.TimeZone, "UTC", StringComparison.Ordinal))
        {
            w.WriteString("timeZone", dag.TimeZone);
        }

        Date(w, "startDate", dag.StartDate);
        Date(w, "endDate", dag.EndDate);
        if (dag.Catchup)
        {
            w.WriteBoolean("catchup", true);
        }

        if (dag.IsPausedUponCreation is { } paused)
        {
            w.WriteBoolean("isPausedUponCreation", paused);
        }

        w.WriteNumber("maxActiveRuns", dag.MaxActiveRuns);
        w.WriteNumber("maxActiveTasks", dag.MaxActiveTasks);
        WriteDefaults(w, dag.Defaults);
        if (dag.Params.Count > 0)
        {
            w.WriteStartObject("params");
            foreach (var p in dag.Params)
            {
                w.WriteStartObject(p.Name);
                w.WriteString("type", WireNames.Of(p.Type));
                if (p.Default is not null)
                {
                    w.WritePropertyName("default");
                    p.Default.WriteTo(w);
                }

                if (p.Required)
                {
                    w.WriteBoolean("required", true);
                }

                Text(w, "description", p.Description);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        Strings(w, "tags", dag.Tags);
        Targets(w, "onFailure", dag.OnFailure);
        Targets(w, "onRetry", dag.OnRetry);
        Targets(w, "onSuccess", dag.OnSuccess);
        if (dag.Deadline is { } deadline)
        {
            w.WriteStartObject("deadline");
            w.WriteString("after", WireNames.Of(deadline.After));
            Duration(w, "duration", deadline.Duration);
            Targets(w, "notify", deadline.Notify);
            w.WriteEndObject();
        }

        w.WriteStartArray("tasks");
        foreach (var task in dag.Tasks)
        {
            WriteTask(w, task);
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteDefaults(Utf8JsonWriter w, DagTaskDefaults d)
    {
        if (d == new DagTaskDefaults())
        {
            return;
        }

        w.WriteStartObject("defaults");
        Enum(w, "triggerRule", d.TriggerRule);
        Number(w, "retries", d.Retries);
        Duration(w, "retryDelay", d.RetryDelay);
        Bool(w, "retryExponentialBackoff", d.RetryExponentialBackoff);
        Duration(w, "maxRetryDelay", d.MaxRetryDelay);
        Duration(w, "executionTimeout", d.ExecutionTimeout);
        Text(w, "backend", d.Backend);
        Text(w, "pool", d.Pool);
        Number(w, "poolSlots", d.PoolSlots);
        Number(w, "priority", d.Priority);
        w.WriteEndObject();
    }

    private static void WriteTask(Utf8JsonWriter w, DagTask t)
    {
        w.WriteStartObject();
        w.WriteString("id", t.Id);
        w.WriteString("kind", WireNames.Of(t.Kind));
        Text(w, "description", t.Description);
        Strings(w, "dependsOn", t.DependsOn);
        Enum(w, "triggerRule", t.TriggerRule);
        Number(w, "retries", t.Retries);
        Duration(w, "retryDelay", t.RetryDelay);
        Bool(w, "retryExponentialBackoff", t.RetryExponentialBackoff);
        Duration(w, "maxRetryDelay", t.MaxRetryDelay);
        Duration(w, "executionTimeout", t.ExecutionTimeout);
        Text(w, "backend", t.Backend);
        Text(w, "connection", t.Connection);
        Text(w, "pool", t.Pool);
        Number(w, "poolSlots", t.PoolSlots);
        Number(w, "priority", t.Priority);
        Map(w, "values", t.Values);
        if (t.Inputs.Count > 0)
        {
            w.WriteStartArray("inputs");
            foreach (var input in t.Inputs)
            {
                w.WriteStartObject();
                w.WriteString("name", input.Name);
                Text(w, "from", input.From);
                if (input.Optional)
                {
                    w.WriteBoolean("optional", true);
                }

                Text(w, "container", input.Container);
                Text(w, "path", input.Path);
                Enum(w, "format", input.Format);
                Map(w, "options", input.Options);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        if (t.Outputs.Count > 0)
        {
            w.WriteStartArray("outputs");
            foreach (var output in t.Outputs)
            {
                w.WriteStartObject();
                w.WriteString("name", output.Name);
                w.WriteString("format", WireNames.Of(output.Format));
                w.WriteString("mode", WireNames.Of(output.Mode));
                Text(w, "table", output.Table);
                Text(w, "path", output.Path);
                Map(w, "options", output.Options);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        Text(w, "sql", t.Sql);
        Text(w, "file", t.File);
        Text(w, "className", t.ClassName);
        Strings(w, "args", t.Args);
        Strings(w, "pyFiles", t.PyFiles);
        Strings(w, "jars", t.Jars);
        Map(w, "conf", t.Conf);
        if (t.Resources is { } r)
        {
            w.WriteStartObject("resources");
            Text(w, "driverMemory", r.DriverMemory);
            Number(w, "driverCores", r.DriverCores);
            Text(w, "executorMemory", r.ExecutorMemory);
            Number(w, "executorCores", r.ExecutorCores);
            Number(w, "numExecutors", r.NumExecutors);
            w.WriteEndObject();
        }

        if (t.Sensor is { } s)
        {
            w.WriteStartObject("sensor");
            w.WriteString("type", WireNames.Of(s.Type));
            Text(w, "container", s.Container);
            Text(w, "path", s.Path);
            Text(w, "eventName", s.EventName);
            Text(w, "at", s.At);
            Duration(w, "delay", s.Delay);
            Duration(w, "pokeInterval", s.PokeInterval);
            Duration(w, "timeout", s.Timeout);
            if (s.SoftFail)
            {
                w.WriteBoolean("softFail", true);
            }

            w.WriteEndObject();
        }

        if (t.Branch is { } b)
        {
            w.WriteStartObject("branch");
            Text(w, "param", b.Param);
            Text(w, "sql", b.Sql);
            if (b.Cases.Count > 0)
            {
                w.WriteStartObject("cases");
                foreach (var (value, follow) in b.Cases)
                {
                    w.WriteStartArray(value);
                    foreach (var id in follow)
                    {
                        w.WriteStringValue(id);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            Strings(w, "default", b.Default);
            w.WriteEndObject();
        }

        if (t.Expand is { } e)
        {
            w.WriteStartObject("expand");
            Text(w, "param", e.Param);
            Text(w, "from", e.From);
            Text(w, "column", e.Column);
            w.WriteNumber("maxParallelism", e.MaxParallelism);
            w.WriteEndObject();
        }

        Targets(w, "onFailure", t.OnFailure);
        Targets(w, "onRetry", t.OnRetry);
        Targets(w, "onSuccess", t.OnSuccess);
        w.WriteEndObject();
    }

    private static void Targets(Utf8JsonWriter w, string name, IReadOnlyList<NotificationTarget> targets)
    {
        if (targets.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var target in targets)
        {
            w.WriteStartObject();
            Text(w, "url", target.Url);
            Text(w, "setting", target.Setting);
            w.WriteString("shape", WireNames.Of(target.Shape));
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Text(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }

    private static void Number(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static void Bool(Utf8JsonWriter w, string name, bool? value)
    {
        if (value is { } v)
        {
            w.WriteBoolean(name, v);
        }
    }

    private static void Duration(Utf8JsonWriter w, string name, TimeSpan? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, DurationText.Format(v));
        }
    }

    private static void Date(Utf8JsonWriter w, string name, DateTimeOffset? value)
    {
        if (value is { } v)
        {
            w.WriteString(name, v.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
        }
    }

    private static void Enum<TEnum>(Utf8JsonWriter w, string name, TEnum? value)
        where TEnum : struct, System.Enum
    {
        if (value is { } v)
        {
            w.WriteString(name, WireNames.Of(v));
        }
    }

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        w.WriteStartArray(name);
        foreach (var value in values)
        {
            w.WriteStringValue(value);
        }

        w.WriteEndArray();
    }

    private static void Map(Utf8JsonWriter w, string name, IReadOnlyDictionary<string, string> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        w.WriteStartObject(name);
        foreach (var (key, value) in values)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }
}
