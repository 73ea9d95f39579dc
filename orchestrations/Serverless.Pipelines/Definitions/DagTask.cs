namespace Serverless.Pipelines.Definitions;

/// <summary>One task of a DAG. Settings left <see langword="null"/> come from <see cref="DagDefinition.Defaults"/> (see <see cref="DagDefinition.SettingsFor"/>).</summary>
public sealed record DagTask
{
    /// <summary>Gets the task id (pattern <see cref="DagIdentifiers.TaskIdPattern"/>); it becomes part of blob paths and table keys.</summary>
    public required string Id { get; init; }

    /// <summary>Gets what the task does.</summary>
    public required DagTaskKind Kind { get; init; }

    /// <summary>Gets the human description.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// Gets the upstream task ids as written. Tasks named by <see cref="TaskInput.From"/> and <see cref="TaskExpand.From"/>
    /// are upstream too, without being listed here (see <see cref="DagGraph"/>).
    /// </summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    /// <summary>Gets the trigger rule, or <see langword="null"/> for the default.</summary>
    public TriggerRule? TriggerRule { get; init; }

    /// <summary>Gets the number of retries after the first attempt, or <see langword="null"/> for the default.</summary>
    public int? Retries { get; init; }

    /// <summary>Gets the delay before a retry, or <see langword="null"/> for the default.</summary>
    public TimeSpan? RetryDelay { get; init; }

    /// <summary>Gets a value indicating whether the retry delay doubles with every retry, or <see langword="null"/> for the default.</summary>
    public bool? RetryExponentialBackoff { get; init; }

    /// <summary>Gets the cap of the retry delay, or <see langword="null"/> for the default.</summary>
    public TimeSpan? MaxRetryDelay { get; init; }

    /// <summary>Gets the limit on one attempt's duration, or <see langword="null"/> for the default.</summary>
    public TimeSpan? ExecutionTimeout { get; init; }

    /// <summary>Gets the Spark backend for this task, or <see langword="null"/> for the default.</summary>
    public string? Backend { get; init; }

    /// <summary>Gets the pool whose slots the task's attempts take (Airflow's <c>pool</c>), or <see langword="null"/> for the default.</summary>
    public string? Pool { get; init; }

    /// <summary>Gets how many slots of its pool one attempt takes (Airflow's <c>pool_slots</c>), or <see langword="null"/> for the default.</summary>
    public int? PoolSlots { get; init; }

    /// <summary>Gets the task's rank among waiters for a pool slot, higher first (Airflow's <c>priority_weight</c>), or <see langword="null"/> for the default.</summary>
    public int? Priority { get; init; }

    /// <summary>
    /// Gets the named Spark connection this task runs on (settings <c>Serverless__Connections__NAME__Backend</c> and the
    /// backend's own settings), or <see langword="null"/>. It wins over <see cref="Backend"/> (see <see cref="DagDefinition.SettingsFor"/>).
    /// </summary>
    public string? Connection { get; init; }

    /// <summary>
    /// Gets the small values the task publishes after its job succeeds: name → a Spark SQL query over the task's inputs
    /// and outputs (views named as they are) that returns one scalar. Downstream templates read them as
    /// <c>{{ tasks.TASK.values.NAME }}</c>; the manifest and the run's task entries record them. Bounded by
    /// <see cref="TaskValueLimits"/>. The default is none.
    /// </summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the inputs, registered as SQL views for sql and branch tasks.</summary>
    public IReadOnlyList<TaskInput> Inputs { get; init; } = [];

    /// <summary>Gets the outputs. A sql task writes its query result to its single output.</summary>
    public IReadOnlyList<TaskOutput> Outputs { get; init; } = [];

    /// <summary>Gets the SQL of a sql task (files may give it as <c>sqlFile</c>, inlined when loaded).</summary>
    public string? Sql { get; init; }

    /// <summary>Gets the main file of a pyspark task (the script) or jar task (the JAR), as a blob location.</summary>
    public string? File { get; init; }

    /// <summary>Gets the main class of a jar task.</summary>
    public string? ClassName { get; init; }

    /// <summary>Gets the command-line arguments of a pyspark or jar task (may hold templates).</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Gets extra Python files of a pyspark task.</summary>
    public IReadOnlyList<string> PyFiles { get; init; } = [];

    /// <summary>Gets extra JARs on the classpath.</summary>
    public IReadOnlyList<string> Jars { get; init; } = [];

    /// <summary>Gets Spark configuration entries.</summary>
    public IReadOnlyDictionary<string, string> Conf { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the Spark resources, or <see langword="null"/> for the backend's defaults.</summary>
    public TaskResources? Resources { get; init; }

    /// <summary>Gets the sensor settings of a sensor task.</summary>
    public SensorSettings? Sensor { get; init; }

    /// <summary>Gets the branch settings of a branch task.</summary>
    public BranchSettings? Branch { get; init; }

    /// <summary>Gets the dynamic mapping, or <see langword="null"/> when the task runs once.</summary>
    public TaskExpand? Expand { get; init; }

    /// <summary>Gets where a notification goes when an instance of this task fails (its last attempt).</summary>
    public IReadOnlyList<NotificationTarget> OnFailure { get; init; } = [];

    /// <summary>Gets where a notification goes when an instance of this task is up for retry.</summary>
    public IReadOnlyList<NotificationTarget> OnRetry { get; init; } = [];

    /// <summary>Gets where a notification goes when an instance of this task succeeds.</summary>
    public IReadOnlyList<NotificationTarget> OnSuccess { get; init; } = [];

    /// <summary>Finds an output by name.</summary>
    /// <param name="name">The output name.</param>
    /// <returns>The output, or <see langword="null"/>.</returns>
    public TaskOutput? FindOutput(string name) => Outputs.FirstOrDefault(o => string.Equals(o.Name, name, StringComparison.Ordinal));
}
