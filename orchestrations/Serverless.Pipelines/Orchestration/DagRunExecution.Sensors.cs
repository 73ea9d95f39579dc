using System.Globalization;
using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Templating;

namespace Serverless.Pipelines.Orchestration;

/// <summary>Sensor and branch tasks of <see cref="DagRunExecution"/>.</summary>
internal sealed partial class DagRunExecution
{
    private async Task RunSensorAsync(TaskNode node, TaskInstanceRecord record)
    {
        var sensor = node.Task.Sensor ?? throw new InvalidOperationException($"task '{node.Task.Id}' has no sensor settings");
        var start = this.context.CurrentUtcDateTime;
        record.Attempts = 1;
        record.StartedAt = start;
        (record.AttemptStarts ??= []).Add(start);
        record.State = TaskInstanceState.Running;
        this.Changed(record);
        var deadline = start + sensor.Timeout;
        var met = false;
        switch (sensor.Type)
        {
            case SensorKind.BlobExists:
                var context = this.TemplateContextFor(node, record, null);
                var location = (sensor.Container ?? this.input.DataContainer) + "/" + TemplateRenderer.Render(sensor.Path ?? string.Empty, context).TrimStart('/');
                record.Inputs = new Dictionary<string, string>(StringComparer.Ordinal) { ["sensor"] = location };
                while (!this.Stopped(record))
                {
                    if (await this.context.CallActivityAsync<bool>(nameof(CheckBlobExists), location))
                    {
                        met = true;
                        break;
                    }

                    var now = this.context.CurrentUtcDateTime;
                    if (now >= deadline)
                    {
                        break;
                    }

                    var fireAt = now + sensor.PokeInterval;
                    await this.context.CreateTimer(fireAt > deadline ? deadline : fireAt, CancellationToken.None);
                    this.PublishIfDirty();
                }

                break;
            case SensorKind.ExternalEvent:
                try
                {
                    await this.context.WaitForExternalEvent<JsonNode?>(sensor.EventName!, sensor.Timeout);
                    met = true;
                }
                catch (Exception e) when (e is TimeoutException or OperationCanceledException)
                {
                    met = false;
                }

                break;
            default:
                var target = sensor.At is { } at
                    ? DateTimeOffset.Parse(TemplateRenderer.Render(at, this.TemplateContextFor(node, record, null)), CultureInfo.InvariantCulture)
                    : this.input.DataIntervalEnd + (sensor.Delay ?? TimeSpan.Zero);
                var wait = target.UtcDateTime;
                if (wait > deadline)
                {
                    await this.context.CreateTimer(deadline, CancellationToken.None);
                }
                else
                {
                    if (wait > this.context.CurrentUtcDateTime)
                    {
                        await this.context.CreateTimer(wait, CancellationToken.None);
                    }

                    met = true;
                }

                break;
        }

        if (this.Stopped(record))
        {
            return;
        }

        record.EndedAt = this.context.CurrentUtcDateTime;
        if (met)
        {
            record.State = TaskInstanceState.Success;
        }
        else
        {
            record.State = sensor.SoftFail ? TaskInstanceState.Skipped : TaskInstanceState.Failed;
            record.Error = $"sensor timed out after {sensor.Timeout}";
        }

        this.Changed(record);
        await this.LogDecisionAsync(node, record, 1, met ? "sensor: condition met" : $"sensor: timed out after {sensor.Timeout}; the task is {record.State}");
    }

    private async Task RunBranchAsync(TaskNode node, TaskInstanceRecord record, JsonNode? item)
    {
        var branch = node.Task.Branch ?? throw new InvalidOperationException($"task '{node.Task.Id}' has no branch settings");
        if (branch.Param is { } param)
        {
            var now = this.context.CurrentUtcDateTime;
            record.Attempts = 1;
            record.StartedAt = now;
            (record.AttemptStarts ??= []).Add(now);
            var value = this.parameters.TryGetValue(param, out var node1) && node1 is not null ? Text(node1) : null;
            Choose(node, record, branch.Resolve(value));
            record.State = TaskInstanceState.Success;
            record.EndedAt = now;
            this.Changed(record);
            await this.LogDecisionAsync(node, record, 1, $"branch: param {param} is '{value}'; follows {string.Join(", ", record.Followed ?? [])}");
            return;
        }

        await this.RunWithAttemptsAsync(node, record, async attempt =>
        {
            var spec = this.BuildSpec(node, record, item, branch.Sql);
            var error = await this.RunJobAttemptAsync(node, record, item, attempt, spec);
            if (error is not null)
            {
                return error;
            }

            var rows = await this.context.CallActivityAsync<List<JsonObject>>(nameof(ReadTaskRows), new ReadTaskRowsInput(spec.Outputs[0].Location, "json", 1));
            var first = rows.Count > 0 ? rows[0].FirstOrDefault().Value : null;
            Choose(node, record, branch.Resolve(first is null ? null : Text(first)));
            await this.LogDecisionAsync(node, record, attempt, $"branch: the query returned '{(first is null ? null : Text(first))}'; follows {string.Join(", ", record.Followed ?? [])}");
            return null;
        });
    }

    private static void Choose(TaskNode node, TaskInstanceRecord record, IReadOnlyList<string> follow)
    {
        record.Followed = [.. follow];
        node.Followed = record.Followed;
    }
}
