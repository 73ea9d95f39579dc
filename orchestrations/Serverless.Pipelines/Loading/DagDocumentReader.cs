using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Scheduling;
using Serverless.Pipelines.Validation;

namespace Serverless.Pipelines.Loading;

/// <summary>
/// Turns a parsed YAML or JSON document into a <see cref="DagDefinition"/>, recording where every field was written
/// and collecting every shape problem (unknown fields, wrong types, bad enum values) instead of stopping at the first.
/// </summary>
internal sealed class DagDocumentReader
{
    private static readonly string[] DagKeys =
        ["id", "description", "schedule", "timeZone", "startDate", "endDate", "catchup", "isPausedUponCreation", "maxActiveRuns", "maxActiveTasks", "defaults", "params", "tags", "tasks",
        "onFailure", "onRetry", "onSuccess", "deadline"];

    private static readonly string[] DefaultsKeys =
        ["triggerRule", "retries", "retryDelay", "retryExponentialBackoff", "maxRetryDelay", "executionTimeout", "backend", "pool", "poolSlots", "priority"];

    private static readonly string[] ParamKeys = ["type", "default", "required", "description"];

    private static readonly string[] TaskKeys =
    [
        "id", "kind", "description", "dependsOn", "triggerRule", "retries", "retryDelay", "retryExponentialBackoff", "maxRetryDelay",
        "executionTimeout", "backend", "connection", "pool", "poolSlots", "priority", "values", "inputs", "outputs", "sql", "sqlFile", "file", "className", "args", "pyFiles", "jars", "conf",
        "resources", "sensor", "branch", "expand", "onFailure", "onRetry", "onSuccess",
    ];

    private static readonly string[] InputKeys = ["name", "from", "optional", "container", "path", "format", "options"];
    private static readonly string[] OutputKeys = ["name", "format", "mode", "table", "path", "options"];
    private static readonly string[] ResourceKeys = ["driverMemory", "driverCores", "executorMemory", "executorCores", "numExecutors"];
    private static readonly string[] SensorKeys = ["type", "container", "path", "eventName", "at", "delay", "pokeInterval", "timeout", "softFail"];
    private static readonly string[] BranchKeys = ["param", "sql", "cases", "default"];
    private static readonly string[] ExpandKeys = ["param", "from", "column", "maxParallelism"];
    private static readonly string[] TargetKeys = ["url", "setting", "shape"];
    private static readonly string[] DeadlineKeys = ["after", "duration", "notify"];

    private readonly DagSourceMap map;
    private readonly List<DagProblem> problems;
    private readonly Func<string, string?>? readRelativeFile;

    public DagDocumentReader(DagSourceMap map, List<DagProblem> problems, Func<string, string?>? readRelativeFile)
    {
        this.map = map;
        this.problems = problems;
        this.readRelativeFile = readRelativeFile;
    }

    public DagDefinition? Read(SourceNode root)
    {
        var fields = Fields(root, string.Empty, DagKeys);
        if (fields is null)
        {
            return null;
        }

        var timeZone = String(fields, "timeZone", "timeZone") ?? "UTC";
        DagSchedule.TryFindTimeZone(timeZone, out var zone, out _);
        zone ??= TimeZoneInfo.Utc;

        var id = String(fields, "id", "id");
        if (id is null)
        {
            problems.Add(map.Problem("id", "the DAG needs an id"));
        }

        var dag = new DagDefinition
        {
            Id = id ?? string.Empty,
            Description = String(fields, "description", "description"),
            Schedule = String(fields, "schedule", "schedule"),
            TimeZone = timeZone,
            StartDate = Date(fields, "startDate", "startDate", zone),
            EndDate = Date(fields, "endDate", "endDate", zone),
            Catchup = Bool(fields, "catchup", "catchup") ?? false,
            IsPausedUponCreation = Bool(fields, "isPausedUponCreation", "isPausedUponCreation"),
            MaxActiveRuns = Int(fields, "maxActiveRuns", "maxActiveRuns") ?? 16,
            MaxActiveTasks = Int(fields, "maxActiveTasks", "maxActiveTasks") ?? 16,
            Defaults = fields.TryGetValue("defaults", out var defaults) ? ReadDefaults(defaults, "defaults") : new DagTaskDefaults(),
            Params = fields.TryGetValue("params", out var parameters) ? ReadParams(parameters, "params") : [],
            Tags = StringList(fields, "tags", "tags"),
            Tasks = fields.TryGetValue("tasks", out var tasks) ? ReadTasks(tasks, "tasks") : [],
            OnFailure = ReadTargets(fields, "onFailure", "onFailure"),
            OnRetry = ReadTargets(fields, "onRetry", "onRetry"),
            OnSuccess = ReadTargets(fields, "onSuccess", "onSuccess"),
            Deadline = fields.TryGetValue("deadline", out var deadline) ? ReadDeadline(deadline, "deadline") : null,
        };
        if (!fields.ContainsKey("tasks"))
        {
            problems.Add(map.Problem("tasks", "the DAG needs a 'tasks' list"));
        }

        return dag;
    }

    private static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    private static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    private DagTaskDefaults ReadDefaults(SourceNode node, string path)
    {
        var fields = Fields(node, path, DefaultsKeys);
        if (fields is null)
        {
            return new DagTaskDefaults();
        }

        return new DagTaskDefaults
        {
            TriggerRule = Enum<TriggerRule>(fields, "triggerRule", Join(path, "triggerRule"), "trigger rule"),
            Retries = Int(fields, "retries", Join(path, "retries")),
            RetryDelay = Duration(fields, "retryDelay", Join(path, "retryDelay")),
            RetryExponentialBackoff = Bool(fields, "retryExponentialBackoff", Join(path, "retryExponentialBackoff")),
            MaxRetryDelay = Duration(fields, "maxRetryDelay", Join(path, "maxRetryDelay")),
            ExecutionTimeout = Duration(fields, "executionTimeout", Join(path, "executionTimeout")),
            Backend = String(fields, "backend", Join(path, "backend")),
            Pool = String(fields, "pool", Join(path, "pool")),
            PoolSlots = Int(fields, "poolSlots", Join(path, "poolSlots")),
            Priority = Int(fields, "priority", Join(path, "priority")),
        };
    }

    private List<DagParam> ReadParams(SourceNode node, string path)
    {
        var result = new List<DagParam>();
        if (node is not SourceMapping mapping)
        {
            Problem(node, path, "'params' must be a mapping from parameter name to its declaration");
            return result;
        }

        foreach (var (key, value) in mapping.Entries)
        {
            var name = key.Value ?? string.Empty;
            var paramPath = Join(path, name);
            map.Add(paramPath, key.Line, key.Column);
            var fields = Fields(value, paramPath, ParamKeys);
            if (fields is null)
            {
                continue;
            }

            var param = new DagParam
            {
                Name = name,
                Type = Enum<DagParamType>(fields, "type", Join(paramPath, "type"), "parameter type") ?? DagParamType.String,
                Default = fields.TryGetValue("default", out var defaultNode) ? ToJson(defaultNode) : null,
                Required = Bool(fields, "required", Join(paramPath, "required")) ?? false,
                Description = String(fields, "description", Join(paramPath, "description")),
            };
            if (DagParamRanges.Problem(param.Type, param.Default) is { } outOfRange)
            {
                Problem(fields["default"], Join(paramPath, "default"), outOfRange);
            }

            result.Add(param);
        }

        return result;
    }

    private List<DagTask> ReadTasks(SourceNode node, string path)
    {
        // At most DagDocumentLimits.MaxTasks: the YAML and JSON scans count the tasks before anything is built.
        return List(node, path, ReadTask, "'tasks' must be a list");
    }

    private DagTask? ReadTask(SourceNode node, string path)
    {
        var fields = Fields(node, path, TaskKeys);
        if (fields is null)
        {
            return null;
        }

        var id = String(fields, "id", Join(path, "id"));
        if (id is null)
        {
            problems.Add(map.Problem(Join(path, "id"), "the task needs an id"));
        }

        var kind = Enum<DagTaskKind>(fields, "kind", Join(path, "kind"), "task kind");
        if (kind is null && !fields.ContainsKey("kind"))
        {
            problems.Add(map.Problem(Join(path, "kind"), $"the task needs a kind ({WireNames.All<DagTaskKind>()})"));
        }

        var sql = String(fields, "sql", Join(path, "sql"));
        if (String(fields, "sqlFile", Join(path, "sqlFile")) is { } sqlFile)
        {
            sql = IncludeSqlFile(sql, sqlFile, Join(path, "sqlFile"));
        }

        return new DagTask
        {
            Id = id ?? string.Empty,
            Kind = kind ?? DagTaskKind.Sql,
            Description = String(fields, "description", Join(path, "description")),
            DependsOn = StringList(fields, "dependsOn", Join(path, "dependsOn")),
            TriggerRule = Enum<TriggerRule>(fields, "triggerRule", Join(path, "triggerRule"), "trigger rule"),
            Retries = Int(fields, "retries", Join(path, "retries")),
            RetryDelay = Duration(fields, "retryDelay", Join(path, "retryDelay")),
            RetryExponentialBackoff = Bool(fields, "retryExponentialBackoff", Join(path, "retryExponentialBackoff")),
            MaxRetryDelay = Duration(fields, "maxRetryDelay", Join(path, "maxRetryDelay")),
            ExecutionTimeout = Duration(fields, "executionTimeout", Join(path, "executionTimeout")),
            Backend = String(fields, "backend", Join(path, "backend")),
            Connection = String(fields, "connection", Join(path, "connection")),
            Pool = String(fields, "pool", Join(path, "pool")),
            PoolSlots = Int(fields, "poolSlots", Join(path, "poolSlots")),
            Priority = Int(fields, "priority", Join(path, "priority")),
            Values = fields.TryGetValue("values", out var values) ? StringMap(values, Join(path, "values")) : new Dictionary<string, string>(),
            Inputs = fields.TryGetValue("inputs", out var inputs) ? List(inputs, Join(path, "inputs"), ReadInput) : [],
            Outputs = fields.TryGetValue("outputs", out var outputs) ? List(outputs, Join(path, "outputs"), ReadOutput) : [],
            Sql = sql,
            File = String(fields, "file", Join(path, "file")),
            ClassName = String(fields, "className", Join(path, "className")),
            Args = StringList(fields, "args", Join(path, "args")),
            PyFiles = StringList(fields, "pyFiles", Join(path, "pyFiles")),
            Jars = StringList(fields, "jars", Join(path, "jars")),
            Conf = fields.TryGetValue("conf", out var conf) ? StringMap(conf, Join(path, "conf")) : new Dictionary<string, string>(),
            Resources = fields.TryGetValue("resources", out var resources) ? ReadResources(resources, Join(path, "resources")) : null,
            Sensor = fields.TryGetValue("sensor", out var sensor) ? ReadSensor(sensor, Join(path, "sensor")) : null,
            Branch = fields.TryGetValue("branch", out var branch) ? ReadBranch(branch, Join(path, "branch")) : null,
            Expand = fields.TryGetValue("expand", out var expand) ? ReadExpand(expand, Join(path, "expand")) : null,
            OnFailure = ReadTargets(fields, "onFailure", Join(path, "onFailure")),
            OnRetry = ReadTargets(fields, "onRetry", Join(path, "onRetry")),
            OnSuccess = ReadTargets(fields, "onSuccess", Join(path, "onSuccess")),
        };
    }

    private string? IncludeSqlFile(string? sql, string sqlFile, string path)
    {
        if (sql is not null)
        {
            problems.Add(map.Problem(path, "give either 'sql' or 'sqlFile', not both"));
            return sql;
        }

        if (readRelativeFile is null)
        {
            problems.Add(map.Problem(path, "'sqlFile' needs a DAG loaded from a folder or container"));
            return null;
        }

        var text = readRelativeFile(sqlFile);
        if (text is null)
        {
            problems.Add(map.Problem(path, $"SQL file '{sqlFile}' was not found next to the DAG file (or is larger than {DagDocumentLimits.MaxDocumentBytes} bytes, limit {nameof(DagDocumentLimits)}.{nameof(DagDocumentLimits.MaxDocumentBytes)})"));
        }

        return text;
    }

    private TaskInput? ReadInput(SourceNode node, string path)
    {
        var fields = Fields(node, path, InputKeys);
        if (fields is null)
        {
            return null;
        }

        return new TaskInput
        {
            Name = String(fields, "name", Join(path, "name")) ?? Missing(path, "name", "the input needs a name"),
            From = String(fields, "from", Join(path, "from")),
            Optional = Bool(fields, "optional", Join(path, "optional")) ?? false,
            Container = String(fields, "container", Join(path, "container")),
            Path = String(fields, "path", Join(path, "path")),
            Format = Enum<DataFormat>(fields, "format", Join(path, "format"), "format"),
            Options = fields.TryGetValue("options", out var options) ? StringMap(options, Join(path, "options")) : new Dictionary<string, string>(),
        };
    }

    private TaskOutput? ReadOutput(SourceNode node, string path)
    {
        // Shorthand: an output given as a plain name takes every default.
        if (node is SourceScalar { Kind: ScalarKind.String, Value: { } name })
        {
            map.Add(Join(path, "name"), node.Line, node.Column);
            return new TaskOutput { Name = name };
        }

        var fields = Fields(node, path, OutputKeys);
        if (fields is null)
        {
            return null;
        }

        return new TaskOutput
        {
            Name = String(fields, "name", Join(path, "name")) ?? Missing(path, "name", "the output needs a name"),
            Format = Enum<DataFormat>(fields, "format", Join(path, "format"), "format") ?? DataFormat.Parquet,
            Mode = Enum<OutputWriteMode>(fields, "mode", Join(path, "mode"), "output mode") ?? OutputWriteMode.Overwrite,
            Table = String(fields, "table", Join(path, "table")),
            Path = String(fields, "path", Join(path, "path")),
            Options = fields.TryGetValue("options", out var options) ? StringMap(options, Join(path, "options")) : new Dictionary<string, string>(),
        };
    }

    private TaskResources? ReadResources(SourceNode node, string path)
    {
        var fields = Fields(node, path, ResourceKeys);
        return fields is null ? null : new TaskResources
        {
            DriverMemory = String(fields, "driverMemory", Join(path, "driverMemory")),
            DriverCores = Int(fields, "driverCores", Join(path, "driverCores")),
            ExecutorMemory = String(fields, "executorMemory", Join(path, "executorMemory")),
            ExecutorCores = Int(fields, "executorCores", Join(path, "executorCores")),
            NumExecutors = Int(fields, "numExecutors", Join(path, "numExecutors")),
        };
    }

    private SensorSettings? ReadSensor(SourceNode node, string path)
    {
        var fields = Fields(node, path, SensorKeys);
        if (fields is null)
        {
            return null;
        }

        var type = Enum<SensorKind>(fields, "type", Join(path, "type"), "sensor type");
        if (type is null && !fields.ContainsKey("type"))
        {
            problems.Add(map.Problem(Join(path, "type"), $"the sensor needs a type ({WireNames.All<SensorKind>()})"));
        }

        return new SensorSettings
        {
            Type = type ?? SensorKind.BlobExists,
            Container = String(fields, "container", Join(path, "container")),
            Path = String(fields, "path", Join(path, "path")),
            EventName = String(fields, "eventName", Join(path, "eventName")),
            At = String(fields, "at", Join(path, "at")),
            Delay = Duration(fields, "delay", Join(path, "delay")),
            PokeInterval = Duration(fields, "pokeInterval", Join(path, "pokeInterval")) ?? SensorSettings.DefaultPokeInterval,
            Timeout = Duration(fields, "timeout", Join(path, "timeout")) ?? SensorSettings.DefaultTimeout,
            SoftFail = Bool(fields, "softFail", Join(path, "softFail")) ?? false,
        };
    }

    private BranchSettings? ReadBranch(SourceNode node, string path)
    {
        var fields = Fields(node, path, BranchKeys);
        if (fields is null)
        {
            return null;
        }

        var cases = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (fields.TryGetValue("cases", out var casesNode))
        {
            if (casesNode is SourceMapping mapping)
            {
                foreach (var (key, value) in mapping.Entries)
                {
                    var casePath = Join(Join(path, "cases"), key.Value ?? string.Empty);
                    map.Add(casePath, value.Line, value.Column);
                    cases[key.Value ?? string.Empty] = StringListOf(value, casePath);
                }
            }
            else
            {
                Problem(casesNode, Join(path, "cases"), "'cases' must map each value to the task ids to follow");
            }
        }

        return new BranchSettings
        {
            Param = String(fields, "param", Join(path, "param")),
            Sql = String(fields, "sql", Join(path, "sql")),
            Cases = cases,
            Default = StringList(fields, "default", Join(path, "default")),
        };
    }

    private TaskExpand? ReadExpand(SourceNode node, string path)
    {
        var fields = Fields(node, path, ExpandKeys);
        return fields is null ? null : new TaskExpand
        {
            Param = String(fields, "param", Join(path, "param")),
            From = String(fields, "from", Join(path, "from")),
            Column = String(fields, "column", Join(path, "column")),
            MaxParallelism = Int(fields, "maxParallelism", Join(path, "maxParallelism")) ?? TaskExpand.DefaultMaxParallelism,
        };
    }

    private List<NotificationTarget> ReadTargets(Dictionary<string, SourceNode> fields, string key, string path)
    {
        if (!fields.TryGetValue(key, out var node) || node is SourceScalar { Kind: ScalarKind.Null })
        {
            return [];
        }

        if (node is SourceSequence { Items.Count: > NotificationTarget.MaxTargetsPerList } tooMany)
        {
            Problem(node, path, string.Create(CultureInfo.InvariantCulture, $"'{key}' names {tooMany.Items.Count} targets; a list may name at most {NotificationTarget.MaxTargetsPerList} ({nameof(NotificationTarget)}.{nameof(NotificationTarget.MaxTargetsPerList)})"));
            return [];
        }

        return List(node, path, ReadTarget, $"'{key}' must be a list of notification targets");
    }

    private NotificationTarget? ReadTarget(SourceNode node, string path)
    {
        // Shorthand: a target given as a plain URL gets the plain JSON body.
        if (node is SourceScalar { Kind: ScalarKind.String, Value: { } url })
        {
            map.Add(Join(path, "url"), node.Line, node.Column);
            return new NotificationTarget { Url = url };
        }

        var fields = Fields(node, path, TargetKeys);
        if (fields is null)
        {
            return null;
        }

        var target = new NotificationTarget
        {
            Url = String(fields, "url", Join(path, "url")),
            Setting = String(fields, "setting", Join(path, "setting")),
            Shape = Enum<NotificationShape>(fields, "shape", Join(path, "shape"), "notification shape") ?? NotificationShape.Json,
        };
        if ((target.Url is null) == (target.Setting is null))
        {
            problems.Add(map.Problem(path, "a notification target needs exactly one of 'url' or 'setting'"));
        }

        return target;
    }

    private DagDeadline? ReadDeadline(SourceNode node, string path)
    {
        var fields = Fields(node, path, DeadlineKeys);
        if (fields is null)
        {
            return null;
        }

        var duration = Duration(fields, "duration", Join(path, "duration"));
        if (duration is null && !fields.ContainsKey("duration"))
        {
            problems.Add(map.Problem(Join(path, "duration"), "the deadline needs a duration (for example 30m)"));
        }

        return new DagDeadline
        {
            After = Enum<DeadlineAnchor>(fields, "after", Join(path, "after"), "deadline anchor") ?? DeadlineAnchor.Start,
            Duration = duration ?? TimeSpan.Zero,
            Notify = ReadTargets(fields, "notify", Join(path, "notify")),
        };
    }

    private string Missing(string path, string key, string message)
    {
        problems.Add(map.Problem(Join(path, key), message));
        return string.Empty;
    }

    private List<T> List<T>(SourceNode node, string path, Func<SourceNode, string, T?> read, string notAList = "expected a list")
        where T : class
    {
        var result = new List<T>();
        if (node is not SourceSequence sequence)
        {
            Problem(node, path, notAList);
            return result;
        }

        for (var i = 0; i < sequence.Items.Count; i++)
        {
            var itemPath = Index(path, i);
            map.Add(itemPath, sequence.Items[i].Line, sequence.Items[i].Column);
            if (read(sequence.Items[i], itemPath) is { } item)
            {
                result.Add(item);
            }
        }

        return result;
    }

    private Dictionary<string, SourceNode>? Fields(SourceNode node, string path, string[] allowed)
    {
        if (node is not SourceMapping mapping)
        {
            Problem(node, path, "expected a mapping of fields");
            return null;
        }

        var fields = new Dictionary<string, SourceNode>(StringComparer.Ordinal);
        foreach (var (key, value) in mapping.Entries)
        {
            var name = key.Value ?? string.Empty;
            var fieldPath = Join(path, name);
            map.Add(fieldPath, value is SourceScalar ? key.Line : value.Line, value is SourceScalar ? key.Column : value.Column);
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                var near = NearestName.Find(name, allowed);
                problems.Add(new DagProblem(
                    map.File,
                    key.Line,
                    key.Column,
                    fieldPath,
                    near is null ? $"unknown field '{name}' (expected one of: {string.Join(", ", allowed)})" : $"unknown field '{name}'; did you mean '{near}'?"));
                continue;
            }

            if (!fields.TryAdd(name, value))
            {
                problems.Add(new DagProblem(map.File, key.Line, key.Column, fieldPath, $"field '{name}' is given twice"));
            }
        }

        return fields;
    }

    private void Problem(SourceNode node, string path, string message) => problems.Add(new DagProblem(map.File, node.Line, node.Column, path, message));

    private string? String(Dictionary<string, SourceNode> fields, string key, string path)
    {
        if (!fields.TryGetValue(key, out var node) || node is SourceScalar { Kind: ScalarKind.Null })
        {
            return null;
        }

        if (node is SourceScalar scalar)
        {
            return scalar.Value;
        }

        Problem(node, path, $"'{key}' must be a single value");
        return null;
    }

    private int? Int(Dictionary<string, SourceNode> fields, string key, string path)
    {
        if (!fields.TryGetValue(key, out var node) || node is SourceScalar { Kind: ScalarKind.Null })
        {
            return null;
        }

        if (node is SourceScalar { Kind: ScalarKind.Number } scalar && int.TryParse(scalar.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Problem(node, path, $"'{key}' must be a whole number");
        return null;
    }

    private bool? Bool(Dictionary<string, SourceNode> fields, string key, string path)
    {
        if (!fields.TryGetValue(key, out var node) || node is SourceScalar { Kind: ScalarKind.Null })
        {
            return null;
        }

        if (node is SourceScalar { Kind: ScalarKind.Boolean } scalar)
        {
            return scalar.Value == "true";
        }

        Problem(node, path, $"'{key}' must be true or false");
        return null;
    }

    private TimeSpan? Duration(Dictionary<string, SourceNode> fields, string key, string path)
    {
        if (String(fields, key, path) is not { } text)
        {
            return null;
        }

        if (DurationText.TryParse(text, out var value))
        {
            return value;
        }

        Problem(fields[key], path, $"'{text}' is not a duration (examples: 30s, 5m, 1h30m, 2d, PT5M, or a number of seconds)");
        return null;
    }

    private DateTimeOffset? Date(Dictionary<string, SourceNode> fields, string key, string path, TimeZoneInfo zone)
    {
        if (String(fields, key, path) is not { } text)
        {
            return null;
        }

        var styles = DateTimeStyles.AllowWhiteSpaces;
        DateTimeOffset? value = null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, styles | DateTimeStyles.AssumeUniversal, out var withOffset)
            && (text.EndsWith('Z') || text.EndsWith('z') || HasOffset(text)))
        {
            value = withOffset;
        }
        else if (DateTime.TryParseExact(text, ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"], CultureInfo.InvariantCulture, styles, out var local))
        {
            // The range is checked on the local time first: next to DateTime's ends the zone's offset would move the
            // instant past them and the constructor would throw (9999-12-31 in a zone west of UTC).
            if (local < DagDocumentLimits.EarliestDate.UtcDateTime || local > DagDocumentLimits.LatestDate.UtcDateTime)
            {
                Problem(fields[key], path, DateRangeProblem(text));
                return null;
            }

            // A date without an offset is in the DAG's time zone, as Airflow reads a naive start_date.
            value = new DateTimeOffset(local, zone.GetUtcOffset(local));
        }

        if (value is { } date)
        {
            if (DagDocumentLimits.IsWithinDateRange(date))
            {
                return date;
            }

            Problem(fields[key], path, DateRangeProblem(text));
            return null;
        }

        Problem(fields[key], path, $"'{text}' is not a date (use yyyy-MM-dd or an ISO 8601 date-time)");
        return null;
    }

    private static string DateRangeProblem(string text) => string.Create(
        CultureInfo.InvariantCulture,
        $"'{text}' is outside the dates a DAG may name, {DagDocumentLimits.EarliestDate:yyyy-MM-dd} to {DagDocumentLimits.LatestDate:yyyy-MM-dd} (limits {nameof(DagDocumentLimits)}.{nameof(DagDocumentLimits.EarliestDate)} and {nameof(DagDocumentLimits.LatestDate)})");

    private static bool HasOffset(string text)
    {
        var t = text.IndexOf('T', StringComparison.Ordinal) is var at and > 0 ? at : text.IndexOf(' ', StringComparison.Ordinal);
        return t > 0 && text.AsSpan(t).IndexOfAny('+', '-') > 0;
    }

    private TEnum? Enum<TEnum>(Dictionary<string, SourceNode> fields, string key, string path, string what)
        where TEnum : struct, Enum
    {
        if (String(fields, key, path) is not { } text)
        {
            return null;
        }

        if (WireNames.TryParse<TEnum>(text, out var value))
        {
            return value;
        }

        Problem(fields[key], path, $"unknown {what} '{text}' (expected one of: {WireNames.All<TEnum>()})");
        return null;
    }

    private List<string> StringList(Dictionary<string, SourceNode> fields, string key, string path) =>
        fields.TryGetValue(key, out var node) ? StringListOf(node, path) : [];

    private List<string> StringListOf(SourceNode node, string path)
    {
        switch (node)
        {
            case SourceScalar { Kind: ScalarKind.Null }:
                return [];
            case SourceScalar scalar:
                // A single value stands for a one-item list (dependsOn: extract).
                map.Add(Index(path, 0), scalar.Line, scalar.Column);
                return [scalar.Value ?? string.Empty];
            case SourceSequence sequence:
                var result = new List<string>();
                for (var i = 0; i < sequence.Items.Count; i++)
                {
                    var item = sequence.Items[i];
                    map.Add(Index(path, i), item.Line, item.Column);
                    if (item is SourceScalar { Kind: not ScalarKind.Null } text)
                    {
                        result.Add(text.Value ?? string.Empty);
                    }
                    else
                    {
                        Problem(item, Index(path, i), "expected a single value");
                    }
                }

                return result;
            default:
                Problem(node, path, "expected a list of values");
                return [];
        }
    }

    private Dictionary<string, string> StringMap(SourceNode node, string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is not SourceMapping mapping)
        {
            Problem(node, path, "expected a mapping of names to values");
            return result;
        }

        foreach (var (key, value) in mapping.Entries)
        {
            var entryPath = Join(path, key.Value ?? string.Empty);
            map.Add(entryPath, key.Line, key.Column);
            if (value is SourceScalar { Kind: not ScalarKind.Null } scalar)
            {
                result[key.Value ?? string.Empty] = scalar.Value ?? string.Empty;
            }
            else
            {
                Problem(value, entryPath, "expected a single value");
            }
        }

        return result;
    }

    private static JsonNode? ToJson(SourceNode node) => node switch
    {
        SourceScalar { Kind: ScalarKind.Null } => null,
        SourceScalar { Kind: ScalarKind.Boolean } b => JsonValue.Create(b.Value == "true"),
        SourceScalar { Kind: ScalarKind.Number } n => JsonNode.Parse(NormalizeNumber(n.Value!)),
        SourceScalar s => JsonValue.Create(s.Value),
        SourceSequence seq => new JsonArray(seq.Items.Select(ToJson).ToArray()),
        SourceMapping m => new JsonObject(m.Entries.Select(e => new KeyValuePair<string, JsonNode?>(e.Key.Value ?? string.Empty, ToJson(e.Value)))),
        _ => null,
    };

    // YAML allows "+1", ".5", "1." and leading zeros ("007"), which JSON does not; JsonNode.Parse would throw on them.
    private static string NormalizeNumber(string text)
    {
        var value = text.TrimStart('+');
        var sign = value.StartsWith('-') ? "-" : string.Empty;
        var digits = value[sign.Length..];
        if (digits.Length > 1 && digits[0] == '0' && char.IsAsciiDigit(digits[1]))
        {
            digits = digits.TrimStart('0');
            value = sign + (digits.Length == 0 || !char.IsAsciiDigit(digits[0]) ? "0" + digits : digits);
        }

        if (value.StartsWith('.') || value.StartsWith("-.", StringComparison.Ordinal))
        {
            value = value.Replace(".", "0.", StringComparison.Ordinal);
        }

        return value.EndsWith('.') ? value + "0" : value.Replace(".e", ".0e", StringComparison.OrdinalIgnoreCase);
    }
}
