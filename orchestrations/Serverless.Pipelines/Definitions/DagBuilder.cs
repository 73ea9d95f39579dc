using System.Text.Json.Nodes;
using Serverless.Pipelines.Validation;

namespace Serverless.Pipelines.Definitions;

/// <summary>
/// Builds a <see cref="DagDefinition"/> in C#: the same model a YAML or JSON file produces.
/// </summary>
/// <example>
/// <code>
/// var dag = new DagBuilder("hello")
///     .Task("square", DagTaskKind.Sql, t => t.Sql("SELECT 13 * 13 AS squared").Output("result"))
///     .Build();
/// </code>
/// </example>
public sealed class DagBuilder
{
    private readonly List<DagParam> parameters = [];
    private readonly List<string> tags = [];
    private readonly List<DagTask> tasks = [];
    private DagDefinition dag;

    /// <summary>Initializes a new instance of the <see cref="DagBuilder"/> class.</summary>
    /// <param name="dagId">The DAG id.</param>
    public DagBuilder(string dagId)
    {
        ArgumentNullException.ThrowIfNull(dagId);
        dag = new DagDefinition { Id = dagId };
    }

    /// <summary>Sets the description.</summary>
    /// <param name="description">The description.</param>
    /// <returns>This builder.</returns>
    public DagBuilder Description(string description) => With(dag with { Description = description });

    /// <summary>Sets the schedule: a cron expression, a preset such as <c>@daily</c>, or <see langword="null"/> for manual runs only.</summary>
    /// <param name="schedule">The schedule.</param>
    /// <returns>This builder.</returns>
    public DagBuilder Schedule(string? schedule) => With(dag with { Schedule = schedule });

    /// <summary>Sets the time zone (IANA id) the schedule is evaluated in.</summary>
    /// <param name="timeZone">The time zone id.</param>
    /// <returns>This builder.</returns>
    public DagBuilder TimeZone(string timeZone) => With(dag with { TimeZone = timeZone });

    /// <summary>Sets the start date.</summary>
    /// <param name="startDate">The first logical date the scheduler may run.</param>
    /// <returns>This builder.</returns>
    public DagBuilder StartDate(DateTimeOffset startDate) => With(dag with { StartDate = startDate });

    /// <summary>Sets the end date.</summary>
    /// <param name="endDate">The last logical date the scheduler may run.</param>
    /// <returns>This builder.</returns>
    public DagBuilder EndDate(DateTimeOffset endDate) => With(dag with { EndDate = endDate });

    /// <summary>Sets whether the scheduler runs missed intervals.</summary>
    /// <param name="catchup"><see langword="true"/> to run every missed interval.</param>
    /// <returns>This builder.</returns>
    public DagBuilder Catchup(bool catchup = true) => With(dag with { Catchup = catchup });

    /// <summary>Sets whether the DAG starts paused when the scheduler first sees it.</summary>
    /// <param name="paused"><see langword="true"/> to start paused.</param>
    /// <returns>The builder.</returns>
    public DagBuilder PausedUponCreation(bool paused = true) => With(dag with { IsPausedUponCreation = paused });

    /// <summary>Sets the most active runs.</summary>
    /// <param name="maxActiveRuns">The limit.</param>
    /// <returns>This builder.</returns>
    public DagBuilder MaxActiveRuns(int maxActiveRuns) => With(dag with { MaxActiveRuns = maxActiveRuns });

    /// <summary>Sets the most running tasks per run.</summary>
    /// <param name="maxActiveTasks">The limit.</param>
    /// <returns>This builder.</returns>
    public DagBuilder MaxActiveTasks(int maxActiveTasks) => With(dag with { MaxActiveTasks = maxActiveTasks });

    /// <summary>Sets the task defaults.</summary>
    /// <param name="defaults">The defaults.</param>
    /// <returns>This builder.</returns>
    public DagBuilder Defaults(DagTaskDefaults defaults) => With(dag with { Defaults = defaults });

    /// <summary>Sets where a notification goes when a run fails.</summary>
    /// <param name="targets">The targets.</param>
    /// <returns>This builder.</returns>
    public DagBuilder OnFailure(params NotificationTarget[] targets) => With(dag with { OnFailure = [.. targets] });

    /// <summary>Sets where a notification goes when any task of a run is up for retry.</summary>
    /// <param name="targets">The targets.</param>
    /// <returns>This builder.</returns>
    public DagBuilder OnRetry(params NotificationTarget[] targets) => With(dag with { OnRetry = [.. targets] });

    /// <summary>Sets where a notification goes when a run succeeds.</summary>
    /// <param name="targets">The targets.</param>
    /// <returns>This builder.</returns>
    public DagBuilder OnSuccess(params NotificationTarget[] targets) => With(dag with { OnSuccess = [.. targets] });

    /// <summary>Sets the deadline a run must finish by.</summary>
    /// <param name="deadline">The deadline.</param>
    /// <returns>This builder.</returns>
    public DagBuilder Deadline(DagDeadline deadline) => With(dag with { Deadline = deadline });

    /// <summary>Declares a run parameter.</summary>
    /// <param name="name">The name.</param>
    /// <param name="type">The type.</param>
    /// <param name="defaultValue">The default value, or <see langword="null"/>.</param>
    /// <param name="required">Whether a trigger must supply it when there is no default.</param>
    /// <param name="description">The description.</param>
    /// <returns>This builder.</returns>
    public DagBuilder Param(string name, DagParamType type, JsonNode? defaultValue = null, bool required = false, string? description = null)
    {
        parameters.Add(new DagParam { Name = name, Type = type, Default = defaultValue, Required = required, Description = description });
        return this;
    }

    /// <summary>Adds tags.</summary>
    /// <param name="values">The tags.</param>
    /// <returns>This builder.</returns>
    public DagBuilder Tags(params string[] values)
    {
        tags.AddRange(values);
        return this;
    }

    /// <summary>Adds a task.</summary>
    /// <param name="taskId">The task id.</param>
    /// <param name="kind">What the task does.</param>
    /// <param name="configure">Sets the task's fields.</param>
    /// <returns>This builder.</returns>
    public DagBuilder Task(string taskId, DagTaskKind kind, Action<DagTaskBuilder>? configure = null)
    {
        var task = new DagTaskBuilder(taskId, kind);
        configure?.Invoke(task);
        tasks.Add(task.Build());
        return this;
    }

    /// <summary>Builds the DAG without validating it.</summary>
    /// <returns>The DAG.</returns>
    public DagDefinition BuildUnvalidated() => dag with { Params = parameters.ToList(), Tags = tags.ToList(), Tasks = tasks.ToList() };

    /// <summary>Builds and validates the DAG.</summary>
    /// <returns>The DAG.</returns>
    /// <exception cref="DagValidationException">The DAG has problems; the exception lists all of them.</exception>
    public DagDefinition Build()
    {
        var result = BuildUnvalidated();
        var problems = DagValidator.Validate(result);
        return problems.Count == 0 ? result : throw new DagValidationException(problems);
    }

    private DagBuilder With(DagDefinition updated)
    {
        dag = updated;
        return this;
    }
}
