using System.Globalization;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Scheduling;

namespace Serverless.Pipelines.Validation;

/// <summary>One validation pass over one DAG; collects problems instead of stopping at the first.</summary>
internal sealed partial class DagCheck
{
    private readonly DagDefinition dag;
    private readonly DagSourceMap map;
    private readonly List<DagProblem> problems = [];
    private readonly Dictionary<string, int> taskIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlySet<string>> ancestors = new(StringComparer.Ordinal);
    private DagGraph graph = null!;

    public DagCheck(DagDefinition dag, DagSourceMap map)
    {
        this.dag = dag;
        this.map = map;
    }

    public List<DagProblem> Problems => problems;

    public void Run()
    {
        CheckDag();
        CheckParams();
        for (var i = 0; i < dag.Tasks.Count; i++)
        {
            var id = dag.Tasks[i].Id;
            var path = Task(i) + ".id";
            if (!DagIdentifiers.IsValidTaskId(id))
            {
                Add(path, $"task id '{id}' is invalid: use {DagIdentifiers.TaskIdPattern} (lower-case letters, digits, '_', '-'; it becomes a blob path segment and table key)");
            }

            if (!taskIndex.TryAdd(id, i))
            {
                Add(path, $"duplicate task id '{id}' (first declared at {Task(taskIndex[id])})");
            }
        }

        graph = new DagGraph(dag);
        for (var i = 0; i < dag.Tasks.Count; i++)
        {
            CheckTask(dag.Tasks[i], Task(i));
        }

        CheckCycles();
        CheckOutputCollisions();
    }

    private static string Task(int index) => string.Create(CultureInfo.InvariantCulture, $"tasks[{index}]");

    private static string Item(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    private void Add(string path, string message) => problems.Add(map.Problem(path, message));

    private DagTask? FindTask(string id) => taskIndex.TryGetValue(id, out var index) ? dag.Tasks[index] : null;

    private IReadOnlySet<string> AncestorsOf(string taskId)
    {
        if (!ancestors.TryGetValue(taskId, out var set))
        {
            set = graph.AncestorsOf(taskId);
            ancestors[taskId] = set;
        }

        return set;
    }

    private void CheckDag()
    {
        if (!DagIdentifiers.IsValidDagId(dag.Id))
        {
            Add("id", $"DAG id '{dag.Id}' is invalid: use {DagIdentifiers.DagIdPattern} (lower-case letters, digits, '_', '-'; it becomes a blob path segment and table key)");
        }

        var scheduleValid = DagSchedule.IsValidExpression(dag.Schedule, out var scheduleError);
        if (!scheduleValid)
        {
            Add("schedule", scheduleError!);
        }

        if (!DagSchedule.TryFindTimeZone(dag.TimeZone, out _, out var zoneError))
        {
            Add("timeZone", zoneError!);
        }

        var scheduled = scheduleValid && !string.IsNullOrWhiteSpace(dag.Schedule) && !string.Equals(dag.Schedule.Trim(), "none", StringComparison.OrdinalIgnoreCase);
        if (scheduled && dag.StartDate is null)
        {
            Add("schedule", "a scheduled DAG needs a startDate");
        }

        if (dag.StartDate is { } start && dag.EndDate is { } end && end < start)
        {
            Add("endDate", "endDate is before startDate");
        }

        if (dag.MaxActiveRuns < 1)
        {
            Add("maxActiveRuns", "maxActiveRuns must be at least 1");
        }

        if (dag.MaxActiveTasks < 1)
        {
            Add("maxActiveTasks", "maxActiveTasks must be at least 1");
        }

        var d = dag.Defaults;
        CheckRetrySettings("defaults", d.Retries, d.RetryDelay, d.MaxRetryDelay, d.ExecutionTimeout, d.Backend);
        CheckPoolFields("defaults", d.Pool, d.PoolSlots);
        DagNotificationCheck.CheckDag(dag, Add);
        for (var i = 0; i < dag.Tags.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(dag.Tags[i]))
            {
                Add(Item("tags", i), "a tag must not be empty");
            }
        }

        if (dag.Tasks.Count == 0)
        {
            Add("tasks", "the DAG has no tasks");
        }

        if (scheduled)
        {
            foreach (var param in dag.Params.Where(p => p.Required && p.Default is null))
            {
                Add("params." + param.Name, $"parameter '{param.Name}' is required and has no default, so scheduled runs could never supply it");
            }
        }
    }

    private void CheckParams()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var param in dag.Params)
        {
            var path = "params." + param.Name;
            if (!DagIdentifiers.IsValidName(param.Name))
            {
                Add(path, $"parameter name '{param.Name}' is invalid: use {DagIdentifiers.ParamNamePattern}");
            }

            if (!seen.Add(param.Name))
            {
                Add(path, $"parameter '{param.Name}' is declared twice");
            }

            if (param.Default is not null && DagValidator.TypeProblem(param.Type, param.Default) is { } problem)
            {
                Add(path + ".default", "default " + problem);
            }
        }
    }

    private void CheckRetrySettings(string path, int? retries, TimeSpan? delay, TimeSpan? maxDelay, TimeSpan? timeout, string? backend)
    {
        if (retries < 0)
        {
            Add(path + ".retries", "retries must not be negative");
        }

        if (delay is { } d && maxDelay is { } m && m < d)
        {
            Add(path + ".maxRetryDelay", "maxRetryDelay is shorter than retryDelay");
        }

        if (timeout is { } t && t <= TimeSpan.Zero)
        {
            Add(path + ".executionTimeout", "executionTimeout must be positive");
        }

        if (backend is not null && !DagValidator.Backends.Contains(backend, StringComparer.Ordinal))
        {
            Add(path + ".backend", $"unknown backend '{backend}' (expected one of: {string.Join(", ", DagValidator.Backends)})");
        }
    }

    private void CheckPoolFields(string path, string? pool, int? slots)
    {
        if (pool is not null && !DagIdentifiers.IsValidDagId(pool))
        {
            Add(path + ".pool", $"pool name '{pool}' is invalid: it is an app setting key, use {DagIdentifiers.PoolNamePattern}");
        }

        if (slots < 1)
        {
            Add(path + ".poolSlots", "poolSlots must be at least 1");
        }
    }

    private void CheckTask(DagTask task, string path)
    {
        CheckKindFields(task, path);
        CheckRetrySettings(path, task.Retries, task.RetryDelay, task.MaxRetryDelay, task.ExecutionTimeout, task.Backend);
        CheckPoolFields(path, task.Pool, task.PoolSlots);
        DagNotificationCheck.CheckTask(task, path, Add);

        var deps = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < task.DependsOn.Count; i++)
        {
            var dep = task.DependsOn[i];
            var depPath = Item(path + ".dependsOn", i);
            if (string.Equals(dep, task.Id, StringComparison.Ordinal))
            {
                Add(depPath, $"task '{task.Id}' depends on itself");
            }
            else if (!taskIndex.ContainsKey(dep))
            {
                Add(depPath, $"unknown upstream task '{dep}'" + NearestName.Suggestion(dep, taskIndex.Keys));
            }

            if (!deps.Add(dep))
            {
                Add(depPath, $"upstream task '{dep}' is listed twice");
            }
        }

        CheckInputs(task, path);
        CheckOutputs(task, path);
        CheckExpand(task, path);
        CheckTemplates(task, path);
        CheckConnectionAndValues(task, path);
    }

    private void CheckKindFields(DagTask task, string path)
    {
        void Require(bool present, string field, string what)
        {
            if (!present)
            {
                Add(path + "." + field, $"a {WireNames.Of(task.Kind)} task needs {what}");
            }
        }

        void Forbid(bool present, string field)
        {
            if (present)
            {
                Add(path + "." + field, $"'{field}' does not apply to a {WireNames.Of(task.Kind)} task");
            }
        }

        var isSpark = task.Kind is DagTaskKind.Sql or DagTaskKind.PySpark or DagTaskKind.Jar;
        switch (task.Kind)
        {
            case DagTaskKind.Sql:
                Require(!string.IsNullOrWhiteSpace(task.Sql), "sql", "'sql' (or 'sqlFile')");
                Forbid(task.File is not null, "file");
                Forbid(task.ClassName is not null, "className");
                Forbid(task.Args.Count > 0, "args");
                Forbid(task.PyFiles.Count > 0, "pyFiles");
                if (task.Outputs.Count == 0)
                {
                    Add(path + ".outputs", "a sql task needs an output for its query result");
                }
                else if (task.Outputs.Count(o => o.Table is null) > 1)
                {
                    Add(path + ".outputs", "only one output of a sql task may omit 'table' (it receives the result of the last statement); name a table or view for the others");
                }

                break;
            case DagTaskKind.PySpark:
                Require(!string.IsNullOrWhiteSpace(task.File), "file", "'file' (the script's blob location)");
                Forbid(task.Sql is not null, "sql");
                Forbid(task.ClassName is not null, "className");
                break;
            case DagTaskKind.Jar:
                Require(!string.IsNullOrWhiteSpace(task.File), "file", "'file' (the JAR's blob location)");
                Require(!string.IsNullOrWhiteSpace(task.ClassName), "className", "'className'");
                Forbid(task.Sql is not null, "sql");
                Forbid(task.PyFiles.Count > 0, "pyFiles");
                break;
            case DagTaskKind.Sensor:
                Require(task.Sensor is not null, "sensor", "'sensor' settings");
                Forbid(task.Outputs.Count > 0, "outputs");
                Forbid(task.Expand is not null, "expand");
                break;
            case DagTaskKind.Branch:
                Require(task.Branch is not null, "branch", "'branch' settings");
                Forbid(task.Outputs.Count > 0, "outputs");
                Forbid(task.Expand is not null, "expand");
                break;
        }

        if (!isSpark)
        {
            Forbid(task.Sql is not null, "sql");
            Forbid(task.File is not null, "file");
            Forbid(task.ClassName is not null, "className");
            Forbid(task.Args.Count > 0, "args");
            Forbid(task.PyFiles.Count > 0, "pyFiles");
            Forbid(task.Jars.Count > 0, "jars");
            Forbid(task.Conf.Count > 0, "conf");
            Forbid(task.Resources is not null, "resources");
        }

        if (task.Kind != DagTaskKind.Sensor)
        {
            Forbid(task.Sensor is not null, "sensor");
        }

        if (task.Kind != DagTaskKind.Branch)
        {
            Forbid(task.Branch is not null, "branch");
        }

        if (task.Sensor is { } sensor && task.Kind == DagTaskKind.Sensor)
        {
            CheckSensor(sensor, path + ".sensor");
        }

        if (task.Branch is { } branch && task.Kind == DagTaskKind.Branch)
        {
            CheckBranch(task, branch, path + ".branch");
        }
    }

    private void CheckCycles()
    {
        foreach (var cycle in graph.FindCycles())
        {
            var first = taskIndex[cycle[0]];
            var edgeTask = dag.Tasks[taskIndex[cycle[1]]];
            var depIndex = edgeTask.DependsOn.ToList().IndexOf(cycle[0]);
            var path = depIndex >= 0 ? Item(Task(taskIndex[cycle[1]]) + ".dependsOn", depIndex) : Task(first);
            Add(path, "cycle: " + string.Join(" -> ", cycle));
        }
    }
}
