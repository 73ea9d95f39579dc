namespace Serverless.Functions.Hosting;

/// <summary>
/// The names DurableTask.AzureStorage gives a task hub's resources, in one place for the health probe and the local
/// host's checks (the provider creates them; nothing here creates them).
/// </summary>
public static class TaskHubNames
{
    /// <summary>Gets the work-item queue: <c>{hub}-workitems</c>, lowercase.</summary>
    /// <param name="taskHub">The task hub name.</param>
    /// <returns>The queue name.</returns>
    public static string WorkItemQueue(string taskHub) => $"{Lower(taskHub)}-workitems";

    /// <summary>Gets the instances table: <c>{hub}Instances</c>.</summary>
    /// <param name="taskHub">The task hub name.</param>
    /// <returns>The table name.</returns>
    public static string InstancesTable(string taskHub) => taskHub + "Instances";

    /// <summary>Gets the history table: <c>{hub}History</c>.</summary>
    /// <param name="taskHub">The task hub name.</param>
    /// <returns>The table name.</returns>
    public static string HistoryTable(string taskHub) => taskHub + "History";

    private static string Lower(string taskHub)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskHub);
#pragma warning disable CA1308 // Azure queue names are lowercase by rule; upper-casing would be wrong.
        return taskHub.ToLowerInvariant();
#pragma warning restore CA1308
    }
}
