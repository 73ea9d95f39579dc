using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Runs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>One task of the run: its definition, settings, task-level state and instances.</summary>
internal sealed class TaskNode
{
    public TaskNode(DagTask task, EffectiveTaskSettings settings)
    {
        this.Task = task;
        this.Settings = settings;
        this.Instances.Add(new TaskInstanceRecord { TaskId = task.Id, State = TaskInstanceState.None });
    }

    public DagTask Task { get; }

    public EffectiveTaskSettings Settings { get; }

    public TaskInstanceState State { get; set; }

    public List<TaskInstanceRecord> Instances { get; } = [];

    public bool Expanded { get; set; }

    public List<string>? Followed { get; set; }
}
