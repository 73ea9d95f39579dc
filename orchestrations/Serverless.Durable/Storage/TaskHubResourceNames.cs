using System.Text.RegularExpressions;

namespace Serverless.Durable.Storage;

/// <summary>
/// The names of every Azure Storage resource a task hub uses. Computed here and nowhere else, so the
/// engine, the Functions app bindings and the Bicep templates agree (a test checks the templates).
/// </summary>
public sealed partial class TaskHubResourceNames
{
    /// <summary>The task hub name used when none is configured.</summary>
    public const string DefaultTaskHub = "serverless";

    /// <summary>Initializes a new instance of the <see cref="TaskHubResourceNames"/> class.</summary>
    /// <param name="taskHub">The task hub: 3–40 lowercase letters and digits, starting with a letter.</param>
    /// <exception cref="ArgumentException">The name is not valid for tables, queues and containers alike.</exception>
    public TaskHubResourceNames(string taskHub)
    {
        if (taskHub is null || !ValidTaskHub().IsMatch(taskHub))
        {
            throw new ArgumentException(
                $"Task hub name '{taskHub}' is invalid: use 3 to 40 lowercase letters and digits, starting with a letter " +
                "(it becomes part of table, queue and container names).",
                nameof(taskHub));
        }

        this.TaskHub = taskHub;
    }

    /// <summary>Gets the task hub name.</summary>
    public string TaskHub { get; }

    /// <summary>Gets the history table: per instance a sentinel row, one row per episode, and inbox rows.</summary>
    public string HistoryTable => this.TaskHub + "History";

    /// <summary>Gets the instances table: the queryable status of every instance.</summary>
    public string InstancesTable => this.TaskHub + "Instances";

    /// <summary>Gets the control queue: wake-ups and timers for orchestration instances.</summary>
    public string ControlQueue => this.TaskHub + "-control";

    /// <summary>Gets the work-item queue: activity invocations.</summary>
    public string WorkItemQueue => this.TaskHub + "-workitems";

    /// <summary>Gets the queue where poison messages are kept for inspection.</summary>
    public string PoisonQueue => this.TaskHub + "-poison";

    /// <summary>Gets the blob container for payloads too large for tables and queues.</summary>
    public string PayloadContainer => this.TaskHub + "-payloads";

    /// <summary>Gets every table name.</summary>
    public IReadOnlyList<string> Tables => [this.HistoryTable, this.InstancesTable];

    /// <summary>Gets every queue name.</summary>
    public IReadOnlyList<string> Queues => [this.ControlQueue, this.WorkItemQueue, this.PoisonQueue];

    /// <summary>Gets every blob container name.</summary>
    public IReadOnlyList<string> Containers => [this.PayloadContainer];

    [GeneratedRegex("^[a-z][a-z0-9]{2,39}$")]
    private static partial Regex ValidTaskHub();
}
