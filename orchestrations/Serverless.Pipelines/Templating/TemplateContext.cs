using System.Text.Json.Nodes;

namespace Serverless.Pipelines.Templating;

/// <summary>The values a task's templates render with.</summary>
public sealed record TemplateContext
{
    /// <summary>Gets the DAG id (<c>{{ dag_id }}</c>, <c>{{ dag.dag_id }}</c>).</summary>
    public required string DagId { get; init; }

    /// <summary>Gets the run id (<c>{{ run_id }}</c>).</summary>
    public required string RunId { get; init; }

    /// <summary>Gets the task id (<c>{{ task_id }}</c>, <c>{{ task.task_id }}</c>), or <see langword="null"/> outside a task.</summary>
    public string? TaskId { get; init; }

    /// <summary>Gets the logical date, with the offset of the DAG's time zone (<c>{{ logical_date }}</c>, <c>{{ ds }}</c>).</summary>
    public required DateTimeOffset LogicalDate { get; init; }

    /// <summary>Gets the start of the data interval (<c>{{ data_interval_start }}</c>).</summary>
    public required DateTimeOffset DataIntervalStart { get; init; }

    /// <summary>Gets the end of the data interval (<c>{{ data_interval_end }}</c>).</summary>
    public required DateTimeOffset DataIntervalEnd { get; init; }

    /// <summary>
    /// Gets the logical date of the schedule's previous run (<c>{{ prev_ds }}</c>, <c>{{ prev_ds_nodash }}</c>), in the
    /// DAG's time zone, or <see langword="null"/> (the default) when there is none, as Airflow 2's
    /// <c>dag.previous_schedule(logical_date)</c>: for a manual run or an unscheduled DAG, none.
    /// </summary>
    public DateTimeOffset? PreviousLogicalDate { get; init; }

    /// <summary>
    /// Gets the logical date of the schedule's next run (<c>{{ next_ds }}</c>, <c>{{ next_ds_nodash }}</c>), in the DAG's
    /// time zone, or <see langword="null"/> (the default) when there is none, as Airflow 2's <c>dag.following_schedule</c>.
    /// </summary>
    public DateTimeOffset? NextLogicalDate { get; init; }

    /// <summary>Gets the run's parameter values, defaults applied (<c>{{ params.NAME }}</c>).</summary>
    public IReadOnlyDictionary<string, JsonNode?> Params { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Gets the locations of upstream outputs keyed <c>task.output</c> (<c>{{ outputs.task.output }}</c>), as the run wants them written (for example a URL).</summary>
    public IReadOnlyDictionary<string, string> Outputs { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets the small values upstream tasks published, keyed <c>task.name</c> (<c>{{ tasks.task.values.name }}</c>). The default is none.</summary>
    public IReadOnlyDictionary<string, JsonNode?> TaskValues { get; init; } = new Dictionary<string, JsonNode?>();

    /// <summary>Gets the variables by name (<c>{{ var.value.NAME }}</c>, <c>{{ var.json.NAME }}</c>), as settings resolve them. The default is none.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// Gets the names of the <see cref="Variables"/> that are secret: their values are replaced by <c>***</c> wherever
    /// rendered text is shown or stored, through <see cref="TemplateSecretMask"/>. The default is none.
    /// </summary>
    public IReadOnlySet<string> SecretVariables { get; init; } = new HashSet<string>();

    /// <summary>Gets the map index of a mapped task instance (<c>{{ map_index }}</c>), or <see langword="null"/>.</summary>
    public int? MapIndex { get; init; }

    /// <summary>Gets the item of a mapped task instance (<c>{{ item }}</c>, <c>{{ item.COLUMN }}</c>), or <see langword="null"/>.</summary>
    public JsonNode? Item { get; init; }
}
