namespace Serverless.Pipelines.Service;

/// <summary>The storage resources the DAG layer keeps besides the task hub, named in one place.</summary>
public static class PipelineResourceNames
{
    /// <summary>The scheduler's table: the logical date of the latest scheduled run per DAG.</summary>
    public const string ScheduleTable = "DagSchedules";
}
