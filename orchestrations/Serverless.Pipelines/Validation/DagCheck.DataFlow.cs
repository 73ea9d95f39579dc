using Serverless.Pipelines.Definitions;

namespace Serverless.Pipelines.Validation;

/// <summary>The checks of what flows between tasks: inputs, outputs, mapped tasks, and the containers and blob paths they name.</summary>
internal sealed partial class DagCheck
{
    private void CheckInputs(DagTask task, string path)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < task.Inputs.Count; i++)
        {
            var input = task.Inputs[i];
            var inputPath = Item(path + ".inputs", i);
            if (!DagIdentifiers.IsValidName(input.Name))
            {
                Add(inputPath + ".name", $"input name '{input.Name}' is invalid: it becomes a SQL view name, use {DagIdentifiers.InputNamePattern}");
            }
            else if (!names.Add(input.Name))
            {
                Add(inputPath + ".name", $"input '{input.Name}' is declared twice");
            }

            if ((input.From is null) == (input.Path is null))
            {
                Add(inputPath, "an input needs exactly one of 'from' (an upstream output, task.output) or 'path' (a blob location)");
                continue;
            }

            if (input.Optional && input.From is null)
            {
                Add(inputPath + ".optional", "'optional' applies to inputs with 'from' only: an external location is always read");
            }

            if (input.From is { } from)
            {
                CheckUpstreamOutput(task, from, input.FromTask, input.FromOutput, inputPath + ".from");
                if (input.Container is not null)
                {
                    Add(inputPath + ".container", "'container' applies to inputs with a 'path' only");
                }
            }
            else
            {
                CheckBlobPath(input.Path!, inputPath + ".path");
                CheckContainer(input.Container, inputPath + ".container");
                if (input.EffectiveFormat is null)
                {
                    Add(inputPath + ".format", $"cannot infer the format of '{input.Path}' from its extension; give 'format' ({WireNames.All<DataFormat>()})");
                }
            }
        }
    }

    private void CheckUpstreamOutput(DagTask task, string from, string? fromTask, string? fromOutput, string path)
    {
        if (fromTask is null || fromOutput is null || fromOutput.Contains('.', StringComparison.Ordinal))
        {
            Add(path, $"'{from}' must name an upstream output as task.output");
            return;
        }

        if (string.Equals(fromTask, task.Id, StringComparison.Ordinal))
        {
            Add(path, $"task '{task.Id}' cannot read its own output");
        }
        else if (FindTask(fromTask) is not { } upstream)
        {
            Add(path, $"unknown task '{fromTask}' in '{from}'" + NearestName.Suggestion(fromTask, taskIndex.Keys));
        }
        else if (upstream.FindOutput(fromOutput) is null)
        {
            var declared = upstream.Outputs.Count == 0 ? "none" : string.Join(", ", upstream.Outputs.Select(o => o.Name));
            Add(path, $"task '{fromTask}' has no output '{fromOutput}' (its outputs: {declared})");
        }
    }

    private void CheckOutputs(DagTask task, string path)
    {
        // SQL identifiers are case-insensitive in both engines, so names differing only in case would clash.
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < task.Outputs.Count; i++)
        {
            var output = task.Outputs[i];
            var outputPath = Item(path + ".outputs", i);
            if (!DagIdentifiers.IsValidOutputName(output.Name))
            {
                Add(outputPath + ".name", $"output name '{output.Name}' is invalid: it becomes a blob path segment and a SQL identifier, use {DagIdentifiers.OutputNamePattern}");
            }
            else if (!names.Add(output.Name))
            {
                Add(outputPath + ".name", $"output '{output.Name}' is declared twice");
            }

            if (output.Table is { } table)
            {
                if (task.Kind != DagTaskKind.Sql)
                {
                    Add(outputPath + ".table", "'table' applies to outputs of sql tasks only");
                }
                else if (!DagIdentifiers.IsValidName(table))
                {
                    Add(outputPath + ".table", $"table name '{table}' is invalid: use {DagIdentifiers.InputNamePattern}");
                }
            }

            if (output.Path is { } explicitPath)
            {
                CheckBlobPath(explicitPath, outputPath + ".path");
                if (task.Expand is not null)
                {
                    // Downstream tasks read a mapped output as one folder with a map_index=N sub-folder per instance.
                    Add(outputPath + ".path", "outputs of a mapped task are written under the run location (one map_index=N folder per instance, read downstream as one folder); remove 'path'");
                }
            }
        }
    }

    private void CheckExpand(DagTask task, string path)
    {
        if (task.Expand is not { } expand)
        {
            return;
        }

        path += ".expand";
        if ((expand.Param is null) == (expand.From is null))
        {
            Add(path, "'expand' needs exactly one of 'param' (an array parameter) or 'from' (an upstream output, task.output)");
        }

        if (expand.Param is { } param)
        {
            if (dag.FindParam(param) is not { } declared)
            {
                Add(path + ".param", $"unknown parameter '{param}'");
            }
            else if (declared.Type != DagParamType.Array)
            {
                Add(path + ".param", $"parameter '{param}' is {WireNames.Of(declared.Type)}; expand needs an array");
            }

            if (expand.Column is not null)
            {
                Add(path + ".column", "'column' applies to expand 'from' only");
            }
        }

        if (expand.From is { } from)
        {
            CheckUpstreamOutput(task, from, expand.FromTask, expand.FromOutput, path + ".from");
        }

        if (expand.Column is { } column && !DagIdentifiers.IsValidName(column))
        {
            Add(path + ".column", $"column '{column}' is invalid: use {DagIdentifiers.InputNamePattern}");
        }

        if (expand.MaxParallelism < 1)
        {
            Add(path + ".maxParallelism", "maxParallelism must be at least 1");
        }
    }

    private void CheckOutputCollisions()
    {
        var explicitOutputs = new List<(string Key, string Path, string Name)>();
        for (var i = 0; i < dag.Tasks.Count; i++)
        {
            var task = dag.Tasks[i];
            for (var j = 0; j < task.Outputs.Count; j++)
            {
                var output = task.Outputs[j];
                if (output.Path is null)
                {
                    continue;
                }

                // Templates are compared as written, spaces inside braces removed: equal text means an equal location.
                var normalized = string.Join('/', output.Path.Replace(" ", string.Empty, StringComparison.Ordinal).Split('/', StringSplitOptions.RemoveEmptyEntries)) + "/";
                var key = normalized;
                var path = Item(Task(i) + ".outputs", j) + ".path";
                foreach (var other in explicitOutputs)
                {
                    if (key.StartsWith(other.Key, StringComparison.Ordinal) || other.Key.StartsWith(key, StringComparison.Ordinal))
                    {
                        var how = string.Equals(key, other.Key, StringComparison.Ordinal) ? "is the same as" : "overlaps";
                        Add(path, $"output location '{output.Path}' {how} the location of {other.Name} ({other.Path})");
                    }
                }

                explicitOutputs.Add((key, path, $"{task.Id}.{output.Name}"));
            }
        }
    }

    private void CheckContainer(string? container, string path)
    {
        if (container is not null && !DagIdentifiers.IsValidContainer(container))
        {
            Add(path, $"container name '{container}' is invalid: use {DagIdentifiers.ContainerPattern}");
        }
    }

    private void CheckBlobPath(string blobPath, string path)
    {
        // The same rules as the Spark layer's DataLocation, checked here so the file gets the line number.
        if (blobPath.Length == 0 || blobPath.StartsWith('/') || blobPath.IndexOfAny(['\\', '?', '#', '%']) >= 0 || blobPath.Any(char.IsControl)
            || blobPath.TrimEnd('/').Split('/').Any(segment => segment is "" or ".." or "."))
        {
            Add(path, $"blob path '{blobPath}' is invalid: relative to the container, '/' separated, without empty, '.' or '..' segments, '\\', '?', '#' or '%'");
        }
    }
}
