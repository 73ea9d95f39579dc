using System.Globalization;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Scheduling;
using Serverless.Pipelines.Templating;
using Serverless.Spark.Dialect;

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

    private void CheckSensor(SensorSettings sensor, string path)
    {
        switch (sensor.Type)
        {
            case SensorKind.BlobExists:
                if (string.IsNullOrWhiteSpace(sensor.Path))
                {
                    Add(path + ".path", "a blob_exists sensor needs a 'path'");
                }
                else
                {
                    CheckBlobPath(sensor.Path, path + ".path");
                }

                CheckContainer(sensor.Container, path + ".container");
                break;
            case SensorKind.ExternalEvent:
                if (!DagIdentifiers.IsValidName(sensor.EventName))
                {
                    Add(path + ".eventName", $"an external_event sensor needs an 'eventName' matching {DagIdentifiers.ParamNamePattern}");
                }

                break;
            case SensorKind.Time:
                if ((sensor.At is null) == (sensor.Delay is null))
                {
                    Add(path, "a time sensor needs exactly one of 'at' (a date-time) or 'delay' (after the data interval end)");
                }

                break;
        }

        if (sensor.Type != SensorKind.BlobExists && (sensor.Path is not null || sensor.Container is not null))
        {
            Add(path + (sensor.Path is not null ? ".path" : ".container"), "'path' and 'container' apply to blob_exists sensors only");
        }

        if (sensor.Type != SensorKind.ExternalEvent && sensor.EventName is not null)
        {
            Add(path + ".eventName", "'eventName' applies to external_event sensors only");
        }

        if (sensor.Type != SensorKind.Time && (sensor.At is not null || sensor.Delay is not null))
        {
            Add(path + (sensor.At is not null ? ".at" : ".delay"), "'at' and 'delay' apply to time sensors only");
        }

        if (sensor.PokeInterval <= TimeSpan.Zero)
        {
            Add(path + ".pokeInterval", "pokeInterval must be positive");
        }

        if (sensor.Timeout <= TimeSpan.Zero)
        {
            Add(path + ".timeout", "timeout must be positive");
        }
    }

    private void CheckBranch(DagTask task, BranchSettings branch, string path)
    {
        if ((branch.Param is null) == (branch.Sql is null))
        {
            Add(path, "a branch needs exactly one of 'param' or 'sql'");
        }

        if (branch.Param is { } param && dag.FindParam(param) is null)
        {
            Add(path + ".param", $"unknown parameter '{param}'");
        }

        var downstream = graph.DownstreamOf(task.Id);
        void CheckTargets(IReadOnlyList<string> targets, string targetsPath)
        {
            for (var i = 0; i < targets.Count; i++)
            {
                var target = targets[i];
                if (!taskIndex.ContainsKey(target))
                {
                    Add(Item(targetsPath, i), $"branch target '{target}' is not a task");
                }
                else if (!downstream.Contains(target))
                {
                    Add(Item(targetsPath, i), $"branch target '{target}' is not directly downstream of '{task.Id}' (add dependsOn: [{task.Id}] to it)");
                }
            }
        }

        foreach (var (value, targets) in branch.Cases)
        {
            CheckTargets(targets, path + ".cases." + value);
        }

        CheckTargets(branch.Default, path + ".default");
    }

    private void CheckInputs(DagTask task, string path)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < task.Inputs.Count; i++)
        {
            var input = task.Inputs[i];
            var inputPath = Item(path + ".inputs", i);
            if (!DagIdentifiers.IsValidName(input.Name))
            {
                Add(inputPath + ".name", $"input name '{input.Name}' is invalid: it becomes a SQL view name, use {DagIdentifiers.InputNamePattern}");
            }
            else if (!names.Add(input.Name))
            {
                Add(inputPath + ".name", $"input '{input.Name}' is declared twice");
            }

            if ((input.From is null) == (input.Path is null))
            {
                Add(inputPath, "an input needs exactly one of 'from' (an upstream output, task.output) or 'path' (a blob location)");
                continue;
            }

            if (input.Optional && input.From is null)
            {
                Add(inputPath + ".optional", "'optional' applies to inputs with 'from' only: an external location is always read");
            }

            if (input.From is { } from)
            {
                CheckUpstreamOutput(task, from, input.FromTask, input.FromOutput, inputPath + ".from");
                if (input.Container is not null)
                {
                    Add(inputPath + ".container", "'container' applies to inputs with a 'path' only");
                }
            }
            else
            {
                CheckBlobPath(input.Path!, inputPath + ".path");
                CheckContainer(input.Container, inputPath + ".container");
                if (input.EffectiveFormat is null)
                {
                    Add(inputPath + ".format", $"cannot infer the format of '{input.Path}' from its extension; give 'format' ({WireNames.All<DataFormat>()})");
                }
            }
        }
    }

    private void CheckUpstreamOutput(DagTask task, string from, string? fromTask, string? fromOutput, string path)
    {
        if (fromTask is null || fromOutput is null || fromOutput.Contains('.', StringComparison.Ordinal))
        {
            Add(path, $"'{from}' must name an upstream output as task.output");
            return;
        }

        if (string.Equals(fromTask, task.Id, StringComparison.Ordinal))
        {
            Add(path, $"task '{task.Id}' cannot read its own output");
        }
        else if (FindTask(fromTask) is not { } upstream)
        {
            Add(path, $"unknown task '{fromTask}' in '{from}'" + NearestName.Suggestion(fromTask, taskIndex.Keys));
        }
        else if (upstream.FindOutput(fromOutput) is null)
        {
            var declared = upstream.Outputs.Count == 0 ? "none" : string.Join(", ", upstream.Outputs.Select(o => o.Name));
            Add(path, $"task '{fromTask}' has no output '{fromOutput}' (its outputs: {declared})");
        }
    }

    private void CheckOutputs(DagTask task, string path)
    {
        // SQL identifiers are case-insensitive in both engines, so names differing only in case would clash.
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < task.Outputs.Count; i++)
        {
            var output = task.Outputs[i];
            var outputPath = Item(path + ".outputs", i);
            if (!DagIdentifiers.IsValidOutputName(output.Name))
            {
                Add(outputPath + ".name", $"output name '{output.Name}' is invalid: it becomes a blob path segment and a SQL identifier, use {DagIdentifiers.OutputNamePattern}");
            }
            else if (!names.Add(output.Name))
            {
                Add(outputPath + ".name", $"output '{output.Name}' is declared twice");
            }

            if (output.Table is { } table)
            {
                if (task.Kind != DagTaskKind.Sql)
                {
                    Add(outputPath + ".table", "'table' applies to outputs of sql tasks only");
                }
                else if (!DagIdentifiers.IsValidName(table))
                {
                    Add(outputPath + ".table", $"table name '{table}' is invalid: use {DagIdentifiers.InputNamePattern}");
                }
            }

            if (output.Path is { } explicitPath)
            {
                CheckBlobPath(explicitPath, outputPath + ".path");
                if (task.Expand is not null)
                {
                    // Downstream tasks read a mapped output as one folder with a map_index=N sub-folder per instance.
                    Add(outputPath + ".path", "outputs of a mapped task are written under the run location (one map_index=N folder per instance, read downstream as one folder); remove 'path'");
                }
            }
        }
    }

    private void CheckExpand(DagTask task, string path)
    {
        if (task.Expand is not { } expand)
        {
            return;
        }

        path += ".expand";
        if ((expand.Param is null) == (expand.From is null))
        {
            Add(path, "'expand' needs exactly one of 'param' (an array parameter) or 'from' (an upstream output, task.output)");
        }

        if (expand.Param is { } param)
        {
            if (dag.FindParam(param) is not { } declared)
            {
                Add(path + ".param", $"unknown parameter '{param}'");
            }
            else if (declared.Type != DagParamType.Array)
            {
                Add(path + ".param", $"parameter '{param}' is {WireNames.Of(declared.Type)}; expand needs an array");
            }

            if (expand.Column is not null)
            {
                Add(path + ".column", "'column' applies to expand 'from' only");
            }
        }

        if (expand.From is { } from)
        {
            CheckUpstreamOutput(task, from, expand.FromTask, expand.FromOutput, path + ".from");
        }

        if (expand.Column is { } column && !DagIdentifiers.IsValidName(column))
        {
            Add(path + ".column", $"column '{column}' is invalid: use {DagIdentifiers.InputNamePattern}");
        }

        if (expand.MaxParallelism < 1)
        {
            Add(path + ".maxParallelism", "maxParallelism must be at least 1");
        }
    }

    private void CheckTemplates(DagTask task, string path)
    {
        void Check(string? template, string fieldPath)
        {
            if (template is not null)
            {
                CheckTemplate(task, template, fieldPath);
            }
        }

        Check(task.Sql, path + ".sql");
        // Task SQL is Spark SQL on every backend: what the local engine cannot run with Spark's meaning is refused
        // here, with the construct and its line in the SQL, not at run time. SQL with template statements
        // ({% %}, {# #}) is checked when rendered, since its text before rendering is not SQL.
        if (task.Kind == DagTaskKind.Sql && task.Sql is { } sql
            && !sql.Contains("{%", StringComparison.Ordinal) && !sql.Contains("{#", StringComparison.Ordinal))
        {
            foreach (var problem in SparkSqlDialect.Check(sql))
            {
                Add(path + ".sql", $"Spark SQL line {problem.Line}: {problem.Message}");
            }
        }

        Check(task.File, path + ".file");
        for (var i = 0; i < task.Args.Count; i++)
        {
            Check(task.Args[i], Item(path + ".args", i));
        }

        for (var i = 0; i < task.PyFiles.Count; i++)
        {
            Check(task.PyFiles[i], Item(path + ".pyFiles", i));
        }

        for (var i = 0; i < task.Jars.Count; i++)
        {
            Check(task.Jars[i], Item(path + ".jars", i));
        }

        foreach (var (key, value) in task.Conf)
        {
            Check(value, path + ".conf." + key);
        }

        for (var i = 0; i < task.Inputs.Count; i++)
        {
            Check(task.Inputs[i].Path, Item(path + ".inputs", i) + ".path");
        }

        for (var i = 0; i < task.Outputs.Count; i++)
        {
            Check(task.Outputs[i].Path, Item(path + ".outputs", i) + ".path");
        }

        Check(task.Sensor?.Path, path + ".sensor.path");
        Check(task.Sensor?.At, path + ".sensor.at");
        Check(task.Branch?.Sql, path + ".branch.sql");
        foreach (var (name, query) in task.Values)
        {
            Check(query, path + ".values." + name);
        }
    }

    private void CheckTemplate(DagTask task, string template, string path)
    {
        // The renderer reports what it knows alone (syntax, filters, macros, unknown names), all of it, each with its
        // line inside the template; the references only the DAG can resolve are checked here.
        var check = TemplateRenderer.Check(template);
        foreach (var problem in check.Problems)
        {
            Add(path, problem.ToString());
        }

        foreach (var reference in check.References)
        {
            if (!reference.IsGuarded && ReferenceProblem(task, reference) is { } problem)
            {
                Add(path, new TemplateProblem(reference.Line, reference.Column, $"unknown template reference '{{{{ {reference.Expression} }}}}': {problem}").ToString());
            }
        }
    }

    private string? ReferenceProblem(DagTask task, TemplateReference reference)
    {
        var s = reference.Segments;
        switch (s[0])
        {
            case "params":
                // params alone is the whole mapping; params.NAME.more reads inside an object parameter.
                return s.Count >= 2 && dag.FindParam(s[1]) is null ? $"no parameter '{s[1]}' is declared" : null;
            case "outputs":
                if (s.Count > 3)
                {
                    return "write outputs.TASK.OUTPUT";
                }

                return s.Count < 2 ? null : UpstreamProblem(task, s[1], s.Count == 3 ? s[2] : null);
            case "tasks":
                if (s.Count >= 3 && s[2] != "values")
                {
                    return "write tasks.TASK.values.NAME";
                }

                return s.Count < 2 ? null : UpstreamProblem(task, s[1], null) ?? TaskValueProblem(s[1], s.Count >= 4 ? s[3] : null);
            case "item":
            case "map_index" when s.Count == 1:
                return task.Expand is null ? $"'{s[0]}' exists only in tasks with 'expand'" : null;
            default:
                return "map_index has no attributes";
        }
    }

    private string? UpstreamProblem(DagTask task, string upstreamId, string? output)
    {
        if (FindTask(upstreamId) is not { } upstream)
        {
            return $"no task '{upstreamId}'";
        }

        if (output is not null && upstream.FindOutput(output) is null)
        {
            return $"task '{upstreamId}' has no output '{output}'";
        }

        return AncestorsOf(task.Id).Contains(upstreamId) ? null : $"task '{upstreamId}' is not upstream of '{task.Id}'";
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

    private void CheckOutputCollisions()
    {
        var explicitOutputs = new List<(string Key, string Path, string Name)>();
        for (var i = 0; i < dag.Tasks.Count; i++)
        {
            var task = dag.Tasks[i];
            for (var j = 0; j < task.Outputs.Count; j++)
            {
                var output = task.Outputs[j];
                if (output.Path is null)
                {
                    continue;
                }

                // Templates are compared as written, spaces inside braces removed: equal text means an equal location.
                var normalized = string.Join('/', output.Path.Replace(" ", string.Empty, StringComparison.Ordinal).Split('/', StringSplitOptions.RemoveEmptyEntries)) + "/";
                var key = normalized;
                var path = Item(Task(i) + ".outputs", j) + ".path";
                foreach (var other in explicitOutputs)
                {
                    if (key.StartsWith(other.Key, StringComparison.Ordinal) || other.Key.StartsWith(key, StringComparison.Ordinal))
                    {
                        var how = string.Equals(key, other.Key, StringComparison.Ordinal) ? "is the same as" : "overlaps";
                        Add(path, $"output location '{output.Path}' {how} the location of {other.Name} ({other.Path})");
                    }
                }

                explicitOutputs.Add((key, path, $"{task.Id}.{output.Name}"));
            }
        }
    }

    private void CheckContainer(string? container, string path)
    {
        if (container is not null && !DagIdentifiers.IsValidContainer(container))
        {
            Add(path, $"container name '{container}' is invalid: use {DagIdentifiers.ContainerPattern}");
        }
    }

    private void CheckBlobPath(string blobPath, string path)
    {
        // The same rules as the Spark layer's DataLocation, checked here so the file gets the line number.
        if (blobPath.Length == 0 || blobPath.StartsWith('/') || blobPath.IndexOfAny(['\\', '?', '#', '%']) >= 0 || blobPath.Any(char.IsControl)
            || blobPath.TrimEnd('/').Split('/').Any(segment => segment is "" or ".." or "."))
        {
            Add(path, $"blob path '{blobPath}' is invalid: relative to the container, '/' separated, without empty, '.' or '..' segments, '\\', '?', '#' or '%'");
        }
    }
}
