namespace Serverless.Pipelines.Definitions;

/// <summary>Sets the fields of one task for <see cref="DagBuilder.Task"/>.</summary>
public sealed class DagTaskBuilder
{
    private readonly List<string> dependsOn = [];
    private readonly List<TaskInput> inputs = [];
    private readonly List<TaskOutput> outputs = [];
    private readonly List<string> args = [];
    private readonly List<string> pyFiles = [];
    private readonly List<string> jars = [];
    private readonly Dictionary<string, string> conf = new(StringComparer.Ordinal);
    private DagTask task;

    internal DagTaskBuilder(string taskId, DagTaskKind kind) => task = new DagTask { Id = taskId, Kind = kind };

    /// <summary>Sets the description.</summary>
    /// <param name="description">The description.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Description(string description) => With(task with { Description = description });

    /// <summary>Adds upstream tasks.</summary>
    /// <param name="taskIds">The upstream task ids.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder DependsOn(params string[] taskIds)
    {
        dependsOn.AddRange(taskIds);
        return this;
    }

    /// <summary>Sets the trigger rule.</summary>
    /// <param name="rule">The rule.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder TriggerRule(TriggerRule rule) => With(task with { TriggerRule = rule });

    /// <summary>Sets the retries.</summary>
    /// <param name="retries">Retries after the first attempt.</param>
    /// <param name="delay">The delay before a retry.</param>
    /// <param name="exponentialBackoff">Whether the delay doubles with every retry.</param>
    /// <param name="maxDelay">The cap of the delay.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Retries(int retries, TimeSpan? delay = null, bool? exponentialBackoff = null, TimeSpan? maxDelay = null) =>
        With(task with { Retries = retries, RetryDelay = delay, RetryExponentialBackoff = exponentialBackoff, MaxRetryDelay = maxDelay });

    /// <summary>Sets the execution timeout of one attempt.</summary>
    /// <param name="timeout">The timeout.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder ExecutionTimeout(TimeSpan timeout) => With(task with { ExecutionTimeout = timeout });

    /// <summary>Puts the task in a pool.</summary>
    /// <param name="pool">The pool name.</param>
    /// <param name="slots">The slots one attempt takes.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Pool(string pool, int? slots = null) => With(task with { Pool = pool, PoolSlots = slots });

    /// <summary>Sets the priority among waiters for a pool slot (higher first).</summary>
    /// <param name="priority">The priority.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Priority(int priority) => With(task with { Priority = priority });

    /// <summary>Sets the Spark backend.</summary>
    /// <param name="backend">The backend name.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Backend(string backend) => With(task with { Backend = backend });

    /// <summary>Adds an input that reads an upstream output.</summary>
    /// <param name="name">The view name.</param>
    /// <param name="from">The upstream output, as <c>task.output</c>.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder InputFrom(string name, string from)
    {
        inputs.Add(new TaskInput { Name = name, From = from });
        return this;
    }

    /// <summary>Adds an input that reads an external blob location.</summary>
    /// <param name="name">The view name.</param>
    /// <param name="path">The blob path (file or folder).</param>
    /// <param name="format">The format, or <see langword="null"/> to infer it from the extension.</param>
    /// <param name="container">The container, or <see langword="null"/> for the data container.</param>
    /// <param name="options">Reader options.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder InputBlob(string name, string path, DataFormat? format = null, string? container = null, IReadOnlyDictionary<string, string>? options = null)
    {
        inputs.Add(new TaskInput
        {
            Name = name,
            Path = path,
            Format = format,
            Container = container,
            Options = options ?? new Dictionary<string, string>(),
        });
        return this;
    }

    /// <summary>Adds an output.</summary>
    /// <param name="name">The output name.</param>
    /// <param name="format">The format.</param>
    /// <param name="mode">The write mode.</param>
    /// <param name="path">An explicit folder path in the data container, or <see langword="null"/> for the run location.</param>
    /// <param name="table">The table or view the output receives, or <see langword="null"/> for the SQL's result.</param>
    /// <param name="options">Writer options.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Output(string name, DataFormat format = DataFormat.Parquet, OutputWriteMode mode = OutputWriteMode.Overwrite, string? path = null, string? table = null, IReadOnlyDictionary<string, string>? options = null)
    {
        outputs.Add(new TaskOutput { Name = name, Format = format, Mode = mode, Path = path, Table = table, Options = options ?? new Dictionary<string, string>() });
        return this;
    }

    /// <summary>Sets the SQL.</summary>
    /// <param name="sql">The SQL text.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Sql(string sql) => With(task with { Sql = sql });

    /// <summary>Sets the main file (script or JAR).</summary>
    /// <param name="file">The blob location.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder File(string file) => With(task with { File = file });

    /// <summary>Sets the main class of a jar task.</summary>
    /// <param name="className">The class name.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder ClassName(string className) => With(task with { ClassName = className });

    /// <summary>Adds command-line arguments.</summary>
    /// <param name="values">The arguments.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Args(params string[] values)
    {
        args.AddRange(values);
        return this;
    }

    /// <summary>Adds Python files.</summary>
    /// <param name="values">The files.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder PyFiles(params string[] values)
    {
        pyFiles.AddRange(values);
        return this;
    }

    /// <summary>Adds JARs.</summary>
    /// <param name="values">The JARs.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Jars(params string[] values)
    {
        jars.AddRange(values);
        return this;
    }

    /// <summary>Sets a Spark configuration entry.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Conf(string key, string value)
    {
        conf[key] = value;
        return this;
    }

    /// <summary>Sets the Spark resources.</summary>
    /// <param name="resources">The resources.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Resources(TaskResources resources) => With(task with { Resources = resources });

    /// <summary>Sets the sensor settings.</summary>
    /// <param name="sensor">The settings.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Sensor(SensorSettings sensor) => With(task with { Sensor = sensor });

    /// <summary>Sets the branch settings.</summary>
    /// <param name="branch">The settings.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Branch(BranchSettings branch) => With(task with { Branch = branch });

    /// <summary>Maps the task over a list.</summary>
    /// <param name="expand">The mapping.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder Expand(TaskExpand expand) => With(task with { Expand = expand });

    /// <summary>Sets where a notification goes when an instance of the task fails on its last attempt.</summary>
    /// <param name="targets">The targets.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder OnFailure(params NotificationTarget[] targets) => With(task with { OnFailure = [.. targets] });

    /// <summary>Sets where a notification goes when an instance of the task is up for retry.</summary>
    /// <param name="targets">The targets.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder OnRetry(params NotificationTarget[] targets) => With(task with { OnRetry = [.. targets] });

    /// <summary>Sets where a notification goes when an instance of the task succeeds.</summary>
    /// <param name="targets">The targets.</param>
    /// <returns>This builder.</returns>
    public DagTaskBuilder OnSuccess(params NotificationTarget[] targets) => With(task with { OnSuccess = [.. targets] });

    internal DagTask Build() => task with
    {
        DependsOn = dependsOn.ToList(),
        Inputs = inputs.ToList(),
        Outputs = outputs.ToList(),
        Args = args.ToList(),
        PyFiles = pyFiles.ToList(),
        Jars = jars.ToList(),
        Conf = new Dictionary<string, string>(conf, StringComparer.Ordinal),
    };

    private DagTaskBuilder With(DagTask updated)
    {
        task = updated;
        return this;
    }
}
