using System.Text.Json.Nodes;
using Serverless.Pipelines.Definitions;
using Serverless.Pipelines.Runs;
using Serverless.Pipelines.Scheduling;
using Serverless.Pipelines.Templating;
using Serverless.Spark.Activities;
using Serverless.Spark.Jobs;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Task values and template inputs of <see cref="DagRunExecution"/>: the small values a task publishes after its
/// job (<see cref="DagTask.Values"/>), the run's variables, read once by <see cref="ReadTemplateVariables"/>, and the
/// schedule's previous and next logical dates (<c>prev_ds</c>, <c>next_ds</c>).
/// </summary>
internal sealed partial class DagRunExecution
{
    /// <summary>The output folder name of a task's values job; not a valid output name, so it never collides with one.</summary>
    private const string ValuesFolder = "_values";

    private TemplateVariableSet variables = new();
    private (DateTimeOffset? Previous, DateTimeOffset? Next)? neighbours;

    /// <summary>Gets the logical dates before and after this run's on the DAG's schedule (<c>prev_ds</c>, <c>next_ds</c>; see <see cref="ScheduleNeighbours"/>).</summary>
    private (DateTimeOffset? Previous, DateTimeOffset? Next) Neighbours =>
        this.neighbours ??= ScheduleNeighbours.Of(DagSchedule.For(this.dag), this.input.LogicalDate, this.input.TriggeredBy);

    /// <summary>Reads the run's template variables once, when any template of the DAG mentions <c>var</c>.</summary>
    private async Task LoadVariablesAsync()
    {
        // A plain text test on the pinned definition: a false positive costs one activity call, never a wrong value.
        if (this.input.DagJson.Contains("var.", StringComparison.Ordinal) || this.input.DagJson.Contains("var[", StringComparison.Ordinal))
        {
            this.variables = await this.context.CallActivityAsync<TemplateVariableSet>(nameof(ReadTemplateVariables), this.dag.Id);
        }
    }

    /// <summary>Runs one attempt's job and then, when the task publishes values, the job that computes them.</summary>
    /// <returns><see langword="null"/> on success, else the error.</returns>
    private async Task<string?> RunJobAndValuesAsync(TaskNode node, TaskInstanceRecord record, JsonNode? item, int attempt)
    {
        var spec = this.BuildSpec(node, record, item);
        var error = await this.RunJobAttemptAsync(node, record, item, attempt, spec);
        if (error is not null || node.Task.Values.Count == 0)
        {
            return error;
        }

        return await this.PublishValuesAsync(node, record, item, attempt, spec);
    }

    /// <summary>
    /// Computes a task's values with one Spark SQL job over its inputs and outputs, <c>SELECT (q1) AS n1, (q2) AS n2</c>
    /// (a query that returns more than one row or column fails it), written to the task's <c>_values</c> folder and read
    /// back by <see cref="ReadTaskValues"/>, which enforces <see cref="TaskValueLimits"/>.
    /// </summary>
    private async Task<string?> PublishValuesAsync(TaskNode node, TaskInstanceRecord record, JsonNode? item, int attempt, SparkJobSpec jobSpec)
    {
        var template = this.TemplateContextFor(node, record, item);
        var columns = node.Task.Values.Select(v => $"({TrimQuery(TemplateRenderer.Render(v.Value, template))}) AS `{v.Key}`");
        var folder = OutputLocation.DefaultFolder(this.input.DataContainer, this.dag.Id, this.input.RunId, node.Task.Id, ValuesFolder, record.MapIndex).ToString();
        var inputs = jobSpec.Inputs
            .Concat(jobSpec.Outputs.Select(o => new SparkJobInput(o.Name, o.Location, o.Format) { Options = o.Options }))
            .ToList();
        var spec = new SparkJobSpec((jobSpec.Name.Length > 93 ? jobSpec.Name[..93] : jobSpec.Name) + ".values", SparkJobKind.Sql)
        {
            Inputs = inputs,
            Outputs = [new SparkJobOutput(ValuesFolder, folder, SparkDataFormat.Parquet)],
            Sql = "SELECT " + string.Join(", ", columns),
        };
        var key = this.IdempotencyKey(node.Task.Id + ".values", record.MapIndex, attempt);
        var started = await this.context.CallActivityAsync<StartedTaskJob>(nameof(StartTaskJob), new StartTaskJobInput(spec, key)
        {
            TaskId = node.Task.Id,
            Backend = node.Settings.Backend,
        });
        var status = started.Status;
        var delay = this.input.FirstPollInterval;
        while (!status.IsTerminal && !this.cancelled)
        {
            await this.context.CreateTimer(this.context.CurrentUtcDateTime + delay, CancellationToken.None);
            status = await this.context.CallActivityAsync<SparkJobStatus>(nameof(GetSparkJobStatus), started.Handle);
            var doubled = delay + delay;
            delay = doubled > this.input.MaxPollInterval ? this.input.MaxPollInterval : doubled;
        }

        if (status.State != SparkJobState.Succeeded)
        {
            return this.cancelled ? "cancelled" : $"values: job {started.Handle.JobId} {status.State}: {status.Message}";
        }

        record.Values = await this.context.CallActivityAsync<Dictionary<string, JsonNode?>>(nameof(ReadTaskValues), new ReadTaskValuesInput(folder, [.. node.Task.Values.Keys]));
        return null;
    }

    private static string TrimQuery(string query) => query.Trim().TrimEnd(';').TrimEnd();

    /// <summary>Gets the values the finished upstream tasks published, keyed <c>task.name</c>.</summary>
    private Dictionary<string, JsonNode?> PublishedValues()
    {
        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var other in this.nodes.Values)
        {
            if (other.State != TaskInstanceState.Success || other.Task.Values.Count == 0)
            {
                continue;
            }

            foreach (var (name, value) in other.Instances[0].Values ?? [])
            {
                values[other.Task.Id + "." + name] = value?.DeepClone();
            }
        }

        return values;
    }

    /// <summary>Gets the template variables: the public values, and for each secret a token the job activity replaces.</summary>
    private Dictionary<string, string> TemplateVariables()
    {
        var all = new Dictionary<string, string>(this.variables.Values, StringComparer.Ordinal);
        foreach (var name in this.variables.Secrets)
        {
            all[name] = SecretVariableToken.For(name);
        }

        return all;
    }
}
