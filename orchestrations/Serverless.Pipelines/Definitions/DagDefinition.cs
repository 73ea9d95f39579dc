namespace Serverless.Pipelines.Definitions;

/// <summary>
/// A validated-or-not DAG: what a YAML/JSON file or <see cref="DagBuilder"/> produces, and what the DAG
/// orchestrator runs. Check it with <see cref="Validation.DagValidator"/> before running it.
/// </summary>
public sealed record DagDefinition
{
    /// <summary>Gets the DAG id (pattern <see cref="DagIdentifiers.DagIdPattern"/>); it becomes part of blob paths and table keys.</summary>
    public required string Id { get; init; }

    /// <summary>Gets the human description.</summary>
    public string? Description { get; init; }

    /// <summary>Gets the schedule as written: a 5- or 6-field cron expression, a preset such as <c>@daily</c>, or <see langword="null"/> for manual runs only.</summary>
    public string? Schedule { get; init; }

    /// <summary>Gets the time zone (IANA id) schedules are evaluated in. The default is <c>UTC</c>.</summary>
    public string TimeZone { get; init; } = "UTC";

    /// <summary>Gets the first logical date the scheduler may run; required when <see cref="Schedule"/> is set.</summary>
    public DateTimeOffset? StartDate { get; init; }

    /// <summary>Gets the last logical date the scheduler may run, if any.</summary>
    public DateTimeOffset? EndDate { get; init; }

    /// <summary>Gets a value indicating whether the scheduler runs every missed interval (<see langword="true"/>) or only the latest one. The default is <see langword="false"/>.</summary>
    public bool Catchup { get; init; }

    /// <summary>
    /// Gets a value indicating whether the DAG starts paused the first time the scheduler sees it (Airflow's
    /// <c>is_paused_upon_creation</c>); <see langword="null"/> takes the host's default
    /// (setting <c>Serverless__DagsArePausedAtCreation</c>). Later edits do not change a stored pause state.
    /// </summary>
    public bool? IsPausedUponCreation { get; init; }

    /// <summary>Gets the most runs of this DAG active at once. The default is 16, as in Airflow.</summary>
    public int MaxActiveRuns { get; init; } = 16;

    /// <summary>Gets the most tasks of one run running at once. The default is 16, as in Airflow.</summary>
    public int MaxActiveTasks { get; init; } = 16;

    /// <summary>Gets the settings every task inherits unless it sets its own.</summary>
    public DagTaskDefaults Defaults { get; init; } = new();

    /// <summary>Gets the declared run parameters, in declaration order.</summary>
    public IReadOnlyList<DagParam> Params { get; init; } = [];

    /// <summary>Gets the tags, for filtering in listings.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Gets the tasks, in declaration order.</summary>
    public IReadOnlyList<DagTask> Tasks { get; init; } = [];

    /// <summary>Gets where a notification goes when a run of this DAG fails.</summary>
    public IReadOnlyList<NotificationTarget> OnFailure { get; init; } = [];

    /// <summary>Gets where a notification goes when any task of a run is up for retry.</summary>
    public IReadOnlyList<NotificationTarget> OnRetry { get; init; } = [];

    /// <summary>Gets where a notification goes when a run of this DAG succeeds.</summary>
    public IReadOnlyList<NotificationTarget> OnSuccess { get; init; } = [];

    /// <summary>Gets the deadline a run must finish by, or <see langword="null"/> for none.</summary>
    public DagDeadline? Deadline { get; init; }

    /// <summary>Finds a task by id.</summary>
    /// <param name="taskId">The task id.</param>
    /// <returns>The task, or <see langword="null"/>.</returns>
    public DagTask? FindTask(string taskId) => Tasks.FirstOrDefault(t => string.Equals(t.Id, taskId, StringComparison.Ordinal));

    /// <summary>Finds a parameter by name.</summary>
    /// <param name="name">The parameter name.</param>
    /// <returns>The parameter, or <see langword="null"/>.</returns>
    public DagParam? FindParam(string name) => Params.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));

    /// <summary>
    /// Gets the settings that apply to a task: its own, else the DAG defaults, else the built-in defaults. Where a job
    /// runs follows one rule: the task's <c>connection</c>, else its <c>backend</c>, else the DAG default backend, else
    /// (<see langword="null"/>) the app's <c>Spark__Backend</c>.
    /// </summary>
    /// <param name="task">A task of this DAG.</param>
    /// <returns>The effective settings.</returns>
    public EffectiveTaskSettings SettingsFor(DagTask task)
    {
        ArgumentNullException.ThrowIfNull(task);
        return new EffectiveTaskSettings
        {
            TriggerRule = task.TriggerRule ?? Defaults.TriggerRule ?? Definitions.TriggerRule.AllSuccess,
            Retries = task.Retries ?? Defaults.Retries ?? 0,
            RetryDelay = task.RetryDelay ?? Defaults.RetryDelay ?? EffectiveTaskSettings.DefaultRetryDelay,
            RetryExponentialBackoff = task.RetryExponentialBackoff ?? Defaults.RetryExponentialBackoff ?? false,
            MaxRetryDelay = task.MaxRetryDelay ?? Defaults.MaxRetryDelay ?? EffectiveTaskSettings.DefaultMaxRetryDelay,
            ExecutionTimeout = task.ExecutionTimeout ?? Defaults.ExecutionTimeout,
            Backend = task.Connection ?? task.Backend ?? Defaults.Backend,
            Pool = task.Pool ?? Defaults.Pool ?? EffectiveTaskSettings.DefaultPool,
            PoolSlots = task.PoolSlots ?? Defaults.PoolSlots ?? 1,
            Priority = task.Priority ?? Defaults.Priority ?? 1,
        };
    }
}
