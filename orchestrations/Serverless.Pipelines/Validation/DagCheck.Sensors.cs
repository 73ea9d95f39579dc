using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Validation;

/// <summary>The checks of sensors (what they wait for and their settings) and of branches (their targets).</summary>
internal sealed partial class DagCheck
{
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
}
