using Microsoft.DurableTask;

namespace Serverless.Pipelines.Orchestration;

/// <summary>
/// Durable activity: reads the app's template variables for a run, once, so the orchestration renders every template
/// with the same values on every replay. Secret variables come back by name only (see <see cref="TemplateVariables"/>).
/// </summary>
public sealed class ReadTemplateVariables : TaskActivity<string, TemplateVariableSet>
{
    private readonly TemplateVariables variables;

    /// <summary>Initializes a new instance of the <see cref="ReadTemplateVariables"/> class.</summary>
    /// <param name="variables">The app's variables.</param>
    public ReadTemplateVariables(TemplateVariables variables) => this.variables = variables;

    /// <inheritdoc/>
    public override Task<TemplateVariableSet> RunAsync(TaskActivityContext context, string input) => Task.FromResult(this.variables.ForRun());
}
