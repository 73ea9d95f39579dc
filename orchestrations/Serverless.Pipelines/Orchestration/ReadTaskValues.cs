using System.Text;
using System.Text.Json.Nodes;
using Microsoft.DurableTask;
using Serverless.Pipelines.Definitions;
using Serverless.Storage.Connection;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Durable activity: reads the one row a task's values job wrote and returns it as name → value, each value at most
/// <see cref="TaskValueLimits.MaxValueBytes"/> as JSON and with secrets masked, before it enters the orchestration
/// history, the custom status and the manifest.
/// </summary>
/// <remarks>Activities run at least once; this one only reads, so a repeat returns the same values.</remarks>
public sealed class ReadTaskValues : TaskActivity<ReadTaskValuesInput, Dictionary<string, JsonNode?>>
{
    private readonly ReadTaskRows rows;
    private readonly TemplateVariables variables;

    /// <summary>Initializes a new instance of the <see cref="ReadTaskValues"/> class.</summary>
    /// <param name="account">The storage account.</param>
    /// <param name="variables">The app's variables, whose secret values are masked.</param>
    public ReadTaskValues(StorageAccount account, TemplateVariables variables)
    {
        this.rows = new ReadTaskRows(account);
        this.variables = variables;
    }

    /// <inheritdoc/>
    public override async Task<Dictionary<string, JsonNode?>> RunAsync(TaskActivityContext context, ReadTaskValuesInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var read = await this.rows.RunAsync(context, new ReadTaskRowsInput(input.Location, "parquet", 2)).ConfigureAwait(false);
        if (read.Count != 1)
        {
            throw new InvalidOperationException($"values: the values job wrote {read.Count} rows, expected 1");
        }

        var values = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var name in input.Names)
        {
            var value = read[0][name]?.DeepClone();
            var json = value?.ToJsonString() ?? "null";
            if (Encoding.UTF8.GetByteCount(json) > TaskValueLimits.MaxValueBytes)
            {
                throw new InvalidOperationException(
                    $"values: '{name}' is larger than {TaskValueLimits.MaxValueBytes} bytes as JSON ({nameof(TaskValueLimits)}.{nameof(TaskValueLimits.MaxValueBytes)}); publish a count or a date, keep data in outputs");
            }

            if (value is JsonValue scalar && scalar.TryGetValue<string>(out var text) && this.variables.Redact(text) is { } masked && !string.Equals(masked, text, StringComparison.Ordinal))
            {
                value = JsonValue.Create(masked);
            }

            values[name] = value;
        }

        return values;
    }
}
